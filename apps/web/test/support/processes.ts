import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { webDir, workerDir } from './build';

/** Environment variables for a child process. */
export type Env = Record<string, string | undefined>;

// Start, wait for and stop the deployment's processes in tests. Everything listens on 127.0.0.1 and is stopped
// by its own PID (never by name).

/** A child process with its combined output and a way to stop it. */
export interface ManagedProcess {
  pid: number;
  child: ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) once the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) to the PID, SIGKILL after `timeoutMs` (default 5 s); resolves on exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A free TCP port on 127.0.0.1 (the OS picks one; it is released for the caller to bind). */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A random bearer token for the internal API. */
export function createToken(): string {
  return randomBytes(24).toString('hex');
}

/** Spawns `command` with `args`, capturing its output. */
export function startProcess(command: string, args: string[], options: { cwd: string; env: Env }): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  return {
    pid,
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 5000) {
      if (ended) return exited;
      try {
        process.kill(pid, signal);
      } catch {
        return exited; // Already gone.
      }
      const timer = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Exited meanwhile.
        }
      }, timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Polls `url` until it answers `status` (default 200); fails early with the output if `process` exits. */
export async function waitForHttp(
  url: string,
  options: { timeoutMs?: number; status?: number; process?: ManagedProcess } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const expected = options.status ?? 200;
  let exited = false;
  void options.process?.exited.then(() => {
    exited = true;
  });
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`process exited before ${url} answered:\n${options.process?.output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      if (response.status === expected) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer ${expected} in time (${last})\n${options.process?.output() ?? ''}`);
}

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
function baseEnv(userHome: string): Env {
  const env: Env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('ELMO_') || key.startsWith('VITEST') || NOT_INHERITED.includes(key)) continue;
    env[key] = value;
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
  /** More environment (e.g. telemetry variables); wins over the above. */
  env?: Env;
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
  const env: Env = {
    ...baseEnv(options.userHome ?? options.home),
    NEXT_MANUAL_SIG_HANDLE: '1',
    ELMO_HOME: options.home,
    ...(options.token ? { ELMO_INTERNAL_TOKEN: options.token } : {}),
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...options.env,
  };
  const nextBin = join(webDir, 'node_modules', 'next', 'dist', 'bin', 'next');
  // Node runs next directly, so the PID we hold is the server's own.
  const server = startProcess(process.execPath, [nextBin, 'start', webDir, '-H', '127.0.0.1', '-p', String(port)], {
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

/** Starts the built worker (`node dist/main.js`) against a web app. */
export function startWorker(options: {
  webUrl: string;
  token: string;
  pollIntervalMs?: number;
  env?: Env;
  /** The home folder of the user running the worker; default the deployment folder (`env.ELMO_HOME`). */
  userHome?: string;
}) {
  const userHome = options.userHome ?? options.env?.ELMO_HOME ?? join(workerDir, '.no-user-home');
  return startProcess(process.execPath, [join(workerDir, 'dist', 'main.js')], {
    cwd: workerDir,
    env: {
      ...baseEnv(userHome),
      ELMO_WEB_URL: options.webUrl,
      ELMO_INTERNAL_TOKEN: options.token,
      ELMO_WORKER_POLL_MS: String(options.pollIntervalMs ?? 200),
      ...options.env,
    },
  });
}
