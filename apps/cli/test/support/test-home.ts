import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProcesses, killProcesses, waitUntil } from './processes.js';
import { type RunOptions, type RunResult, runElmo } from './run-elmo.js';

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
  /** Waits until no sender of this test runs (the pid file is gone and no such process is alive). */
  waitForSenders(timeoutMs?: number): Promise<void>;
  cleanup(): void;
}

/** Creates a TestHome under the system temp folder; `sinkUrl` becomes ELMO_POSTHOG_HOST. */
export function createTestHome(sinkUrl?: string): TestHome {
  const root = mkdtempSync(join(tmpdir(), 'elmo-cli-e2e-'));
  const home = join(root, 'home');
  mkdirSync(home);
  const configHome = join(home, '.config');
  const stateHome = join(home, '.local', 'state');
  const stateDir = join(stateHome, 'elmo');
  const deployDir = join(root, 'deploy');
  const configFile = join(configHome, 'elmo', 'config.json');
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: configHome,
    XDG_STATE_HOME: stateHome,
    ELMO_HOME: deployDir,
    ELMO_POSTHOG_KEY: 'phc_test',
    ...(sinkUrl ? { ELMO_POSTHOG_HOST: sinkUrl } : {}),
  };
  const senderPidFile = join(stateDir, 'telemetry-sender.pid');
  const explicitPidFile = join(stateDir, 'explicit-sender.pid');
  const env = (extra: Record<string, string> = {}) => ({ ...base, ...extra });
  const senders = () =>
    findProcesses(root)
      .filter((p) => p.cmdline.includes('sender-process'))
      .map((p) => p.pid);
  return {
    root,
    home,
    deployDir,
    configFile,
    envFile: join(deployDir, '.env'),
    stateDir,
    spoolFile: join(stateDir, 'telemetry-spool.jsonl'),
    senderPidFile,
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
    waitForSenders: (timeoutMs = 15_000) =>
      waitUntil(
        () => !existsSync(senderPidFile) && !existsSync(explicitPidFile) && senders().length === 0,
        'the detached senders to exit',
        timeoutMs,
      ),
    cleanup() {
      killProcesses(root);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
