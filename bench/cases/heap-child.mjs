// Run with --expose-gc: 1,000,000 track() calls against an endpoint that never answers; prints heap growth.
import { createDeploymentTelemetry } from '@elmo/elmo-telemetry/deployment';
import { createDeployment } from '@elmo/test-support';

const sinkUrl = process.argv[2];
const deployment = createDeployment({ sinkUrl, prefix: 'elmo-bench-' });
const telemetry = createDeploymentTelemetry({
  component: 'web',
  deploymentDir: deployment.dir,
  homedir: deployment.dir,
  env: {},
  productVersion: '0.1.0',
});
const settle = () => new Promise((resolve) => setImmediate(resolve));
globalThis.gc();
const before = process.memoryUsage().heapUsed;
for (let chunk = 0; chunk < 100; chunk += 1) {
  for (let i = 0; i < 10_000; i += 1) telemetry.telemetry.track('heartbeat', { component: 'web', uptime_hours: i });
  await settle();
}
globalThis.gc();
const after = process.memoryUsage().heapUsed;
const status = telemetry.telemetry.status();
process.stdout.write(
  `${JSON.stringify({ before, after, growthMb: (after - before) / 2 ** 20, queued: status.queued, dropped: status.droppedByCapacity })}\n`,
);
await telemetry.shutdown(500);
deployment.remove();
process.exit(0);
