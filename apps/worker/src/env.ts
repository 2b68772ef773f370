// The only file of the worker that reads process.env: everything else receives a WorkerEnv.

/** Configuration of one worker process. */
export interface WorkerEnv {
  /** Base URL of the web app that owns the database (`ELMO_WEB_URL`, default http://127.0.0.1:$ELMO_PORT or 1515). */
  webUrl: string;
  /** Bearer token for the web app's internal API (`ELMO_INTERNAL_TOKEN`, required). */
  internalToken: string;
  /** Pause between claims when there is no work (`ELMO_WORKER_POLL_MS`, default 1000). */
  pollIntervalMs: number;
}

/** A configuration problem, explained in one line. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const nonEmpty = (value: string | undefined): string | null => (value?.trim() ? value.trim() : null);

/** Reads the worker's configuration, or throws a ConfigError naming the variable at fault. */
export function readWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const internalToken = nonEmpty(env.ELMO_INTERNAL_TOKEN);
  if (!internalToken)
    throw new ConfigError('ELMO_INTERNAL_TOKEN is not set; the web app will not hand out jobs without it');

  const webUrl = nonEmpty(env.ELMO_WEB_URL) ?? `http://127.0.0.1:${nonEmpty(env.ELMO_PORT) ?? '1515'}`;
  try {
    new URL(webUrl);
  } catch {
    throw new ConfigError(`ELMO_WEB_URL is not a URL: ${webUrl}`);
  }

  const poll = nonEmpty(env.ELMO_WORKER_POLL_MS);
  const pollIntervalMs = poll === null ? 1000 : Number(poll);
  if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 10 || pollIntervalMs > 600_000) {
    throw new ConfigError(`ELMO_WORKER_POLL_MS must be a whole number of milliseconds from 10 to 600000, not ${poll}`);
  }
  return { webUrl: webUrl.replace(/\/+$/, ''), internalToken, pollIntervalMs };
}
