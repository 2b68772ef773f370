import { join } from 'node:path';
import { seedDatabase } from './database-template.js';
import { type Env, type ManagedProcess, startProcess } from './managed-process.js';
import { NEXT_BIN, WORKER_MAIN, webDir, workerDir } from './paths.js';
import { getFreePort } from './ports.js';
import { waitForHttp } from './wait.js';

// The deployment's built processes (`next start` and the worker), on 127.0.0.1, stopped by their own PIDs.

// The test runner's own settings must not leak into the servers: its NODE_ENV, an operator's DATABASE_URL, the
// consent settings of whoever runs the tests (their kill switches, their own `elmo telemetry disable` in their
// home's user config). Each server gets a home folder of the test's choosing.
const NOT_INHERITED = [
  'DATABASE_URL',
  'NODE_ENV',
  'PORT',
  'HOME',
  'XDG_CONFIG_HOME',
  'DO_NOT_TRACK',
  'DISABLE_TELEMETRY',
];

/** The base environment of a server: the runner's (less the above) or, with `inherit: false`, only PATH. */
function baseEnv(userHome: string, inherit: boolean): Env {
  const env: Env = {};
  if (inherit) {
    for (const [key, value] of Object.entries(process.env)) {
      if (key.startsWith('ELMO_') || key.startsWith('VITEST') || NOT_INHERITED.includes(key)) continue;
      env[key] = value;
    }
  } else {
    env.PATH = process.env.PATH ?? '/usr/bin:/bin';
  }
  return { ...env, HOME: userHome, NEXT_TELEMETRY_DISABLED: '1' };
}

/** A running `next start`. */
export interface WebServer extends ManagedProcess {
  url: string;
  port: number;
}

/** Options for startWeb. */
export interface StartWebOptions {
  /** Deployment folder (ELMO_HOME). */
  home: string;
  /** The home folder of the user running the server (its user config is a consent source); default `home`. */
  userHome?: string;
  /** Worker token (ELMO_INTERNAL_TOKEN); omit for a server whose internal API refuses everything. */
  token?: string;
  /** PostgreSQL instead of PGlite. */
  databaseUrl?: string;
  /**
   * Let the web app create its embedded database itself, as on a person's first start. By default a deployment
   * without one gets a copy of a ready one (seedDatabase): the same files, seconds of CPU less per test.
   */
  freshDatabase?: boolean;
  /** More environment (e.g. telemetry variables); wins over the above. */
  env?: Env;
  /** Inherit the test runner's environment (less its ELMO_*, consent and database settings); default true. */
  inheritEnv?: boolean;
  port?: number;
  /** Working folder; the migrations are read from `<cwd>/drizzle` (default apps/web). */
  cwd?: string;
  /** Wait for GET /api/health to answer 200 (default true). */
  waitUntilReady?: boolean;
  timeoutMs?: number;
}

/** Starts the built web app (`next start`, NEXT_MANUAL_SIG_HANDLE=1) on 127.0.0.1 and waits until it is ready. */
export async function startWeb(options: StartWebOptions): Promise<WebServer> {
  const port = options.port ?? (await getFreePort());
  if (!options.databaseUrl && !options.freshDatabase) seedDatabase(join(options.home, 'data'));
  const env: Env = {
    ...baseEnv(options.userHome ?? options.home, options.inheritEnv ?? true),
    NEXT_MANUAL_SIG_HANDLE: '1',
    ELMO_HOME: options.home,
    ...(options.token ? { ELMO_INTERNAL_TOKEN: options.token } : {}),
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  };
  // Node runs next directly, so the PID we hold is the server's own.
  const server = startProcess(process.execPath, [NEXT_BIN, 'start', webDir, '-H', '127.0.0.1', '-p', String(port)], {
    cwd: options.cwd ?? webDir,
    env,
  });
  const url = `http://127.0.0.1:${port}`;
  if (options.waitUntilReady ?? true) {
    try {
      await waitForHttp(`${url}/api/health`, { process: server, timeoutMs: options.timeoutMs ?? 60_000 });
    } catch (error) {
      await server.stop('SIGKILL');
      throw error;
    }
  }
  return { ...server, url, port };
}

/** Options for startWorker. */
export interface StartWorkerOptions {
  webUrl: string;
  token: string;
  pollIntervalMs?: number;
  env?: Env;
  /** Inherit the test runner's environment (less its ELMO_*, consent and database settings); default true. */
  inheritEnv?: boolean;
  /** The home folder of the user running the worker; default the deployment folder (`env.ELMO_HOME`). */
  userHome?: string;
}

/** Starts the built worker (`node dist/main.js`) against a web app. */
export function startWorker(options: StartWorkerOptions): ManagedProcess {
  const userHome = options.userHome ?? options.env?.ELMO_HOME ?? join(workerDir, '.no-user-home');
  return startProcess(process.execPath, [WORKER_MAIN], {
    cwd: workerDir,
    env: {
      ...baseEnv(userHome, options.inheritEnv ?? true),
      ELMO_WEB_URL: options.webUrl,
      ELMO_INTERNAL_TOKEN: options.token,
      ELMO_WORKER_POLL_MS: String(options.pollIntervalMs ?? 200),
      ...options.env,
    },
  });
}
