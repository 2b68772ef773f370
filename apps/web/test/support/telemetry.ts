import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runElmo } from '@elmo/test-support';

/** Runs the built `elmo telemetry status --json` for a deployment, with a clean environment of its own. */
export async function elmoTelemetryStatus(
  deploymentDir: string,
  home: string,
): Promise<{ enabled: boolean; source: string; reason: string }> {
  // The CLI treats a missing home folder as "telemetry off for this run", so give it a real one.
  mkdirSync(home, { recursive: true });
  const { stdout } = await runElmo(['telemetry', 'status', '--json', '--dir', deploymentDir], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_STATE_HOME: join(home, '.state'),
    },
  });
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`elmo telemetry status printed no JSON: ${stdout}`);
  }
}
