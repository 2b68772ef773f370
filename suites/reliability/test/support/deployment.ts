import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createToken,
  type ManagedProcess,
  startWeb,
  startWorker,
  type WebServer,
} from '../../../../apps/web/test/support/processes.js';
import { createTempDir } from '../../../../apps/web/test/support/temp-dir.js';

// A deployment folder and its web + worker processes, started with an explicit environment: the helpers of
// apps/web copy the test runner's env, so every inherited variable is blanked here (an operator's
// DO_NOT_TRACK, CI or NODE_OPTIONS in the runner must not change what is measured).

/** Test knobs: flush after 200 ms, usage every 500 ms (same behaviour, shorter waits); posthog-js in headless Chromium. */
export const TELEMETRY_KNOBS = {
  ELMO_TELEMETRY_FLUSH_MS: '200',
  ELMO_TELEMETRY_USAGE_MS: '500',
  ELMO_TELEMETRY_ALLOW_HEADLESS: '1',
};

/** A deployment folder with a `.env` (DEPLOYMENT_ID) and the worker token. */
export interface TestDeployment {
  dir: string;
  deploymentId: string;
  token: string;
  envFile: string;
  logFile: string;
  remove(): void;
}

/** Creates a deployment folder under the OS temp dir; `envText` is appended to its `.env`. */
export function createDeployment(options: { envText?: string; prefix?: string; subdir?: string } = {}): TestDeployment {
  const temp = createTempDir(options.prefix ?? 'elmo-reliability-deploy-');
  const dir = join(temp.path, options.subdir ?? 'deploy');
  mkdirSync(dir, { recursive: true });
  const deploymentId = randomUUID();
  const token = createToken();
  const envFile = join(dir, '.env');
  writeFileSync(envFile, `# test deployment\nDEPLOYMENT_ID=${deploymentId}\n${options.envText ?? ''}`);
  return {
    dir,
    deploymentId,
    token,
    envFile,
    logFile: join(dir, 'data', 'telemetry-events.jsonl'),
    remove: temp.remove,
  };
}

/** Every variable of the test runner blanked (spawn skips undefined values), then exactly `values`. */
export function explicitEnv(values: Record<string, string | undefined>): Record<string, string | undefined> {
  const blank = Object.fromEntries(Object.keys(process.env).map((key) => [key, undefined]));
  return { ...blank, PATH: process.env.PATH ?? '/usr/bin:/bin', ...values };
}

/** Options shared by web and worker starts. */
export interface DeploymentProcessOptions {
  deployment: TestDeployment;
  /** ELMO_POSTHOG_HOST in the process env (it wins over the `.env`); undefined: only the `.env` decides. */
  sinkUrl?: string;
  /** More variables (kill switches, secrets, DATABASE_URL…). */
  env?: Record<string, string | undefined>;
}

function telemetryEnv(options: DeploymentProcessOptions): Record<string, string | undefined> {
  return {
    HOME: join(options.deployment.dir, '..'),
    ELMO_HOME: options.deployment.dir,
    ...(options.sinkUrl ? { ELMO_POSTHOG_HOST: options.sinkUrl, ELMO_POSTHOG_KEY: 'phc_test' } : {}),
    ...TELEMETRY_KNOBS,
    ...options.env,
  };
}

/** Starts the built web app (`next start`) for a deployment and waits for /api/health. */
export function startDeploymentWeb(
  options: DeploymentProcessOptions & { waitUntilReady?: boolean; port?: number },
): Promise<WebServer> {
  const { deployment } = options;
  return startWeb({
    home: deployment.dir,
    token: deployment.token,
    waitUntilReady: options.waitUntilReady,
    port: options.port,
    env: explicitEnv({
      NEXT_TELEMETRY_DISABLED: '1',
      NEXT_MANUAL_SIG_HANDLE: '1',
      ELMO_INTERNAL_TOKEN: deployment.token,
      ...telemetryEnv(options),
    }),
  });
}

/** Starts the built worker for a deployment against a web app. */
export function startDeploymentWorker(options: DeploymentProcessOptions & { webUrl: string }): ManagedProcess {
  return startWorker({
    webUrl: options.webUrl,
    token: options.deployment.token,
    env: explicitEnv({
      ELMO_WEB_URL: options.webUrl,
      ELMO_INTERNAL_TOKEN: options.deployment.token,
      ELMO_WORKER_POLL_MS: '1000',
      ...telemetryEnv(options),
    }),
  });
}

/** How a process ended after a signal, and how long it took. */
export interface StopResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

/** Sends SIGTERM and measures until exit; SIGKILL after `killAfterMs` so a hung process cannot stall the suite. */
export async function stopMeasured(process: ManagedProcess, killAfterMs = 8000): Promise<StopResult> {
  const started = performance.now();
  const exit = await process.stop('SIGTERM', killAfterMs);
  return { ...exit, ms: performance.now() - started };
}

// Lines a healthy process prints that differ run to run only in numbers (ports, pids, timings, ids).
const NOISE = [/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}/g, /\b[0-9a-f]{8}\b/g, /\d+/g];

/** Output lines with numbers and ids masked, so two runs can be compared. */
export function normalizeLines(output: string): string[] {
  return output
    .split('\n')
    .map((line) => NOISE.reduce((text, pattern) => text.replace(pattern, '#'), line.trim()))
    .filter(Boolean);
}

/** Lines that only telemetry trouble would print: errors of the client, its endpoint, or a stack trace. */
export const TELEMETRY_NOISE =
  /posthog|telemetry|ECONNRESET|ECONNREFUSED|ETIMEDOUT|fetch failed|AbortError|TimeoutError|UND_ERR|socket hang up|unhandled|^\s*at .+:\d+:\d+\)?$/im;
