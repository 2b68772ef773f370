import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { pickTelemetryEnv, resolveDeploymentDir } from '@elmo/elmo-telemetry/node';

// The only file of the worker that reads process.env: everything else receives a WorkerEnv.

const packageVersion: string = createRequire(import.meta.url)('../package.json').version;

/** Configuration of one worker process. */
export interface WorkerEnv {
  /** Base URL of the web app that owns the database (`ELMO_WEB_URL`, default http://127.0.0.1:$ELMO_PORT or 1515). */
  webUrl: string;
  /** Bearer token for the web app's internal API (`ELMO_INTERNAL_TOKEN`, required). */
  internalToken: string;
  /** Pause between claims when there is no work (`ELMO_WORKER_POLL_MS`, default 1000). */
  pollIntervalMs: number;
  /** Deployment folder (`ELMO_HOME`, default `~/.elmo`): its `.env` holds DEPLOYMENT_ID and the live opt-out. */
  home: string;
  /** The Elmo version (`ELMO_VERSION`, set by `elmo start`; else this package's version). */
  productVersion: string;
  /** The variables telemetry reads from the process env: the operator's kill switches, destination, modes. */
  telemetryEnv: Record<string, string | undefined>;
  /** The home folder of the user running this process: their `elmo telemetry disable` covers the deployment. */
  userHome: string;
  /** Test knob (`ELMO_TELEMETRY_FLUSH_MS`): a shorter flush interval, same behaviour. */
  telemetryFlushMs: number | undefined;
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
  const flushMs = Number(env.ELMO_TELEMETRY_FLUSH_MS);
  return {
    webUrl: webUrl.replace(/\/+$/, ''),
    internalToken,
    pollIntervalMs,
    home: resolveDeploymentDir({ env, homedir: homedir() }),
    productVersion: nonEmpty(env.ELMO_VERSION) ?? packageVersion,
    telemetryEnv: pickTelemetryEnv(env),
    userHome: homedir(),
    telemetryFlushMs: Number.isFinite(flushMs) && flushMs > 0 ? flushMs : undefined,
  };
}
