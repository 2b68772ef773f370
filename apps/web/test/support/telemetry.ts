import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The deployment id the telemetry tests write into their deployment `.env`. */
export const TEST_DEPLOYMENT_ID = '7d3c2b1a-9e8f-4a6b-8c5d-4e3f2a1b0c9d';

/** Shorter telemetry intervals for tests (same behaviour), and posthog-js allowed in headless Chromium. */
export const TELEMETRY_KNOBS = {
  ELMO_TELEMETRY_FLUSH_MS: '200',
  ELMO_TELEMETRY_USAGE_MS: '500',
  ELMO_TELEMETRY_ALLOW_HEADLESS: '1',
  DO_NOT_TRACK: undefined,
  DISABLE_TELEMETRY: undefined,
};

/** Writes a deployment `.env` that sends telemetry to `sinkUrl`, plus any extra lines. */
export function writeDeploymentEnv(home: string, sinkUrl: string, extra = ''): string {
  const path = join(home, '.env');
  mkdirSync(home, { recursive: true });
  writeFileSync(
    path,
    `# test deployment\nDEPLOYMENT_ID=${TEST_DEPLOYMENT_ID}\nELMO_POSTHOG_HOST=${sinkUrl}\nELMO_POSTHOG_KEY=phc_test\n${extra}`,
  );
  return path;
}

const ELMO_BIN = fileURLToPath(new URL('../../../cli/dist/bin.js', import.meta.url));

/** Runs the built `elmo telemetry status --json` for a deployment, with a clean environment of its own. */
export function elmoTelemetryStatus(
  deploymentDir: string,
  home: string,
): Promise<{ enabled: boolean; source: string; reason: string }> {
  // The CLI treats a missing home folder as "telemetry off for this run", so give it a real one.
  mkdirSync(home, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ELMO_BIN, 'telemetry', 'status', '--json', '--dir', deploymentDir], {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_STATE_HOME: join(home, '.state'),
      } as unknown as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`elmo telemetry status printed no JSON: ${out}`));
      }
    });
  });
}
