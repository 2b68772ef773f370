import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir } from './temp-dir.js';

/** The deployment id writeDeploymentEnv uses unless told otherwise. */
export const TEST_DEPLOYMENT_ID = '7d3c2b1a-9e8f-4a6b-8c5d-4e3f2a1b0c9d';

/**
 * Test knobs: flush after 200 ms, usage every 500 ms (same behaviour, shorter waits); posthog-js in headless
 * Chromium; the CLI starts its detached sender on every run that spooled events (not at most once a minute).
 */
export const TELEMETRY_KNOBS: Readonly<Record<string, string>> = {
  ELMO_TELEMETRY_FLUSH_MS: '200',
  ELMO_TELEMETRY_USAGE_MS: '500',
  ELMO_TELEMETRY_ALLOW_HEADLESS: '1',
  ELMO_TELEMETRY_SENDER_INTERVAL_MS: '0',
};

/** A random bearer token for the internal API (ELMO_INTERNAL_TOKEN). */
export function createToken(): string {
  return randomBytes(24).toString('hex');
}

/**
 * Writes a deployment `.env` in `dir` (created if needed): a DEPLOYMENT_ID, telemetry sent to `sinkUrl` when
 * given, then `extra` lines as they are. Returns the file's path.
 */
export function writeDeploymentEnv(
  dir: string,
  sinkUrl?: string,
  extra = '',
  deploymentId = TEST_DEPLOYMENT_ID,
): string {
  const path = join(dir, '.env');
  mkdirSync(dir, { recursive: true });
  const sink = sinkUrl ? `ELMO_POSTHOG_HOST=${sinkUrl}\nELMO_POSTHOG_KEY=phc_test\n` : '';
  writeFileSync(path, `# test deployment\nDEPLOYMENT_ID=${deploymentId}\n${sink}${extra}`);
  return path;
}

/** A deployment folder in a temp folder of its own, with a `.env` and a worker token. */
export interface TestDeployment {
  /** The deployment folder (ELMO_HOME); its parent is free for a user home or other files of the test. */
  dir: string;
  deploymentId: string;
  token: string;
  envFile: string;
  /** Where the deployment's local telemetry log is written. */
  logFile: string;
  /** Removes the temp folder and everything in it. */
  remove(): void;
}

/** Options of createDeployment. */
export interface DeploymentOptions {
  /** Telemetry goes to this sink (written in the `.env`). */
  sinkUrl?: string;
  /** Appended to the `.env`. */
  envText?: string;
  /** Name prefix of the temp folder. */
  prefix?: string;
  /** Name of the deployment folder inside the temp folder (default `deploy`). */
  subdir?: string;
}

/** Creates a deployment folder with a fresh random DEPLOYMENT_ID under the OS temp folder. */
export function createDeployment(options: DeploymentOptions = {}): TestDeployment {
  const temp = createTempDir(options.prefix ?? 'elmo-deployment-');
  const dir = join(temp.path, options.subdir ?? 'deploy');
  const deploymentId = randomUUID();
  return {
    dir,
    deploymentId,
    token: createToken(),
    envFile: writeDeploymentEnv(dir, options.sinkUrl, options.envText, deploymentId),
    logFile: join(dir, 'data', 'telemetry-events.jsonl'),
    remove: temp.remove,
  };
}
