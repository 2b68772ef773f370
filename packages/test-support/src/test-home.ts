import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TELEMETRY_KNOBS } from './deployment.js';
import { findProcesses, killProcesses } from './processes.js';
import { runElmo } from './run-elmo.js';
import type { RunOptions, RunResult } from './run-node.js';
import { createTempDir } from './temp-dir.js';
import { waitUntil } from './wait.js';

/** A private world for one test: home, XDG folders, deployment folder, and the files elmo keeps there. */
export interface TestHome {
  root: string;
  home: string;
  deployDir: string;
  configFile: string;
  envFile: string;
  stateDir: string;
  spoolFile: string;
  senderPidFile: string;
  /** When the CLI last started the detached sender for tracked events (its once-a-minute throttle). */
  senderStartedFile: string;
  explicitSpoolFile: string;
  logFile: string;
  /** The clean environment every run gets (plus `extra`); never the test process's own. */
  env(extra?: Record<string, string>): Record<string, string>;
  run(
    args: readonly string[],
    options?: Partial<RunOptions> & { extraEnv?: Record<string, string> },
  ): Promise<RunResult>;
  readConfig(): Record<string, unknown> | undefined;
  writeConfig(data: unknown): void;
  /** Detached senders (their argument names this test's spool) that are still alive. */
  senders(): number[];
  /** How many events wait in the telemetry spool. */
  spoolEvents(): number;
  /** Waits until no sender of this test runs (the pid file is gone and no such process is alive). */
  waitForSenders(timeoutMs?: number): Promise<void>;
  /** Kills (by pid) every process still running from this home, and removes its folder. */
  cleanup(): void;
}

/** Options of createTestHome. */
export interface TestHomeOptions {
  /** Name prefix of the temp folder (default `elmo-cli-e2e-`). */
  prefix?: string;
  /**
   * Added to (and winning over) the base environment of every run, e.g. a test knob; a variable set to undefined
   * is left out. The base starts the detached sender on every run that spooled events
   * (`ELMO_TELEMETRY_SENDER_INTERVAL_MS=0`): `{ ELMO_TELEMETRY_SENDER_INTERVAL_MS: undefined }` keeps the CLI's own
   * throttle (at most one sender a minute unless events wait).
   */
  env?: Record<string, string | undefined>;
}

/** Creates a TestHome under the system temp folder; `sinkUrl` becomes ELMO_POSTHOG_HOST. */
export function createTestHome(sinkUrl?: string, options: TestHomeOptions = {}): TestHome {
  const root = createTempDir(options.prefix ?? 'elmo-cli-e2e-');
  const home = join(root.path, 'home');
  mkdirSync(home);
  const configHome = join(home, '.config');
  const stateHome = join(home, '.local', 'state');
  const stateDir = join(stateHome, 'elmo');
  const deployDir = join(root.path, 'deploy');
  const configFile = join(configHome, 'elmo', 'config.json');
  const spoolFile = join(stateDir, 'telemetry-spool.jsonl');
  const merged: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: configHome,
    XDG_STATE_HOME: stateHome,
    ELMO_HOME: deployDir,
    ELMO_POSTHOG_KEY: 'phc_test',
    ELMO_TELEMETRY_SENDER_INTERVAL_MS: TELEMETRY_KNOBS.ELMO_TELEMETRY_SENDER_INTERVAL_MS,
    ...(sinkUrl ? { ELMO_POSTHOG_HOST: sinkUrl } : {}),
    ...options.env,
  };
  const base: Record<string, string> = {};
  for (const [name, value] of Object.entries(merged)) if (value !== undefined) base[name] = value;
  const senderPidFile = join(stateDir, 'telemetry-sender.pid');
  const explicitPidFile = join(stateDir, 'explicit-sender.pid');
  const env = (extra: Record<string, string> = {}) => ({ ...base, ...extra });
  const senders = () =>
    findProcesses(root.path)
      .filter((p) => p.cmdline.includes('sender-process'))
      .map((p) => p.pid);
  return {
    root: root.path,
    home,
    deployDir,
    configFile,
    envFile: join(deployDir, '.env'),
    stateDir,
    spoolFile,
    senderPidFile,
    senderStartedFile: join(stateDir, 'telemetry-sender.started'),
    explicitSpoolFile: join(stateDir, 'explicit-spool.jsonl'),
    logFile: join(stateDir, 'telemetry-events.jsonl'),
    env,
    run: (args, options = {}) => runElmo(args, { ...options, env: options.env ?? env(options.extraEnv) }),
    readConfig() {
      return existsSync(configFile)
        ? (JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>)
        : undefined;
    },
    writeConfig(data) {
      mkdirSync(join(configHome, 'elmo'), { recursive: true });
      writeFileSync(configFile, typeof data === 'string' ? data : `${JSON.stringify(data, null, 2)}\n`);
    },
    senders,
    spoolEvents() {
      try {
        return readFileSync(spoolFile, 'utf8').split('\n').filter(Boolean).length;
      } catch {
        return 0;
      }
    },
    waitForSenders: (timeoutMs = 15_000) =>
      waitUntil(
        () => !existsSync(senderPidFile) && !existsSync(explicitPidFile) && senders().length === 0,
        'the detached senders to exit',
        timeoutMs,
      ),
    cleanup() {
      killProcesses(root.path);
      root.remove();
    },
  };
}
