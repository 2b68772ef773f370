import { join } from 'node:path';
import {
  type ManagedProcess,
  startWeb,
  startWorker,
  TELEMETRY_KNOBS,
  type TestDeployment,
  type WebServer,
} from '@elmo/test-support';

// A deployment's web + worker processes, started with an explicit environment: nothing of the test runner's
// (an operator's DO_NOT_TRACK, CI or NODE_OPTIONS) is inherited, so it cannot change what is measured.

export { createDeployment, type TestDeployment } from '@elmo/test-support';

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
    inheritEnv: false,
    env: telemetryEnv(options),
  });
}

/** Starts the built worker for a deployment against a web app. */
export function startDeploymentWorker(options: DeploymentProcessOptions & { webUrl: string }): ManagedProcess {
  return startWorker({
    webUrl: options.webUrl,
    token: options.deployment.token,
    pollIntervalMs: 1000,
    inheritEnv: false,
    env: telemetryEnv(options),
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
