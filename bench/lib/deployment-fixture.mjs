// A throwaway deployment folder pointed at a sink, for benchmarks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates a deployment folder whose `.env` has a deployment id and points telemetry at `sinkUrl`. */
export function makeDeployment(sinkUrl) {
  const dir = mkdtempSync(join(tmpdir(), 'elmo-bench-'));
  writeFileSync(
    join(dir, '.env'),
    `DEPLOYMENT_ID=${crypto.randomUUID()}\nELMO_POSTHOG_HOST=${sinkUrl}\nELMO_POSTHOG_KEY=phc_bench\n`,
  );
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
