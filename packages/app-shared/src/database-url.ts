/**
 * The problem with a `DATABASE_URL`, or undefined when it is a PostgreSQL URL; `elmo init` asks again with it, the
 * web app refuses to start with it. The URL is never echoed: it may hold a password.
 */
export function databaseUrlProblem(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol === 'postgres:' || url.protocol === 'postgresql:') return undefined;
  } catch {}
  return 'must be a postgres:// or postgresql:// URL, e.g. postgres://elmo@localhost:5432/elmo';
}
