import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// A test's temp folder finds exactly the senders that test started.
import { createTempDir, findProcesses, killProcesses, runNode, waitUntil } from '@elmo/test-support';

const ACME_BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** How one `acme` run ended. */
export interface AcmeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A private home for one test: XDG folders in a temp folder, and acme's files there. */
export interface AcmeHome {
  root: string;
  configFile: string;
  stateDir: string;
  spoolFile: string;
  logFile: string;
  /** Runs the built acme with exactly this home's environment plus `extra`; never the test process's own. */
  run(args: readonly string[], extra?: Record<string, string>): Promise<AcmeRun>;
  readConfig(): Record<string, unknown> | undefined;
  /** Waits until no detached sender of this home runs (its pid file gone, no such process alive). */
  waitForSenders(timeoutMs?: number): Promise<void>;
  cleanup(): void;
}

/** Creates a home whose `ACME_POSTHOG_HOST` is the sink. No `CI`: tests see what a person's terminal sees. */
export function createAcmeHome(sinkUrl: string): AcmeHome {
  const temp = createTempDir('acme-cli-e2e-');
  const root = temp.path;
  const home = join(root, 'home');
  mkdirSync(home);
  const stateDir = join(home, '.local', 'state', 'acme');
  const configFile = join(home, '.config', 'acme', 'config.json');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    ACME_POSTHOG_HOST: sinkUrl,
    ACME_POSTHOG_KEY: 'phc_acme_test',
  };
  return {
    root,
    configFile,
    stateDir,
    spoolFile: join(stateDir, 'telemetry-spool.jsonl'),
    logFile: join(stateDir, 'telemetry-events.jsonl'),
    run: async (args, extra = {}) => {
      const { code, stdout, stderr } = await runNode(ACME_BIN, args, { env: { ...env, ...extra } });
      return { code, stdout, stderr };
    },
    readConfig: () =>
      existsSync(configFile) ? (JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>) : undefined,
    waitForSenders: (timeoutMs = 15_000) =>
      waitUntil(
        () => !existsSync(join(stateDir, 'telemetry-sender.pid')) && findProcesses(root).length === 0,
        'the detached sender to exit',
        timeoutMs,
      ),
    cleanup() {
      killProcesses(root);
      temp.remove();
    },
  };
}
