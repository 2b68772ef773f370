// A throwaway deployment folder pointed at a sink, for benchmarks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates a deployment folder whose `.env` has a deployment id (returned as `id`) and points telemetry at `sinkUrl`. */
export function makeDeployment(sinkUrl) {
  const dir = mkdtempSync(join(tmpdir(), 'elmo-bench-'));
  const id = crypto.randomUUID();
  writeFileSync(join(dir, '.env'), `DEPLOYMENT_ID=${id}\nELMO_POSTHOG_HOST=${sinkUrl}\nELMO_POSTHOG_KEY=phc_bench\n`);
  return { dir, id, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
