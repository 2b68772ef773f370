import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runElmo } from '@elmo/test-support';

/** What `elmo telemetry status --json` answers that the web app's tests look at. */
export interface TelemetryStatus {
  enabled: boolean;
  mode: 'on' | 'local' | 'off';
  source: string;
  reason: string;
  deploymentId?: string | null;
}

/**
 * Runs the built `elmo telemetry status --json` for a deployment, with a clean environment of its own (plus
 * `env`, such as the machine policy's location).
 */
export async function elmoTelemetryStatus(
  deploymentDir: string,
  home: string,
  env: Record<string, string> = {},
): Promise<TelemetryStatus> {
  // The CLI treats a missing home folder as "telemetry off for this run", so give it a real one.
  mkdirSync(home, { recursive: true });
  const { stdout } = await runElmo(['telemetry', 'status', '--json', '--dir', deploymentDir], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_STATE_HOME: join(home, '.state'),
      ...env,
    },
  });
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`elmo telemetry status printed no JSON: ${stdout}`);
  }
}
