// Run with --expose-gc: 1,000,000 track() calls against an endpoint that never answers; prints heap growth.
import { createBenchDeployment, createWebTelemetry, trackHeartbeat } from '../lib/track-delivery.mjs';

const deployment = createBenchDeployment(process.argv[2]);
const telemetry = createWebTelemetry(deployment);
const settle = () => new Promise((resolve) => setImmediate(resolve));
globalThis.gc();
const before = process.memoryUsage().heapUsed;
for (let chunk = 0; chunk < 100; chunk += 1) {
  for (let i = 0; i < 10_000; i += 1) trackHeartbeat(telemetry, i);
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
