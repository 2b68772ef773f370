/** The most useful one line of an error: its first line, plus its cause's message when it adds something. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : '';
  const first = error.message.split('\n')[0] ?? error.message;
  return cause && !first.includes(cause) ? `${first.slice(0, 200)}: ${cause}` : first;
}
