// Child of the track-throughput explanation: one side of bench/cases/track-throughput.mjs (same events, bursts and
// delivery wait), run alone in its own process under `node --cpu-prof`. Prints the elapsed ms.
import { createDeploymentTelemetry } from '@elmo/elmo-telemetry/deployment';
import { createDeployment } from '@elmo/test-support';
import { PostHog } from 'posthog-node';

const [side, sinkUrl] = process.argv.slice(2);
const EVENTS = 20_000;
const BURST = 100;
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

async function timeDelivery(call, flush) {
  const started = performance.now();
  for (let i = 0; i < EVENTS; i += 1) {
    call(i);
    if (i % BURST === BURST - 1) await yieldToLoop();
  }
  await flush();
  return performance.now() - started;
}

const deployment = createDeployment({ sinkUrl, prefix: 'elmo-bench-' });
let elapsed;
if (side === 'ours') {
  const telemetry = createDeploymentTelemetry({
    component: 'web',
    deploymentDir: deployment.dir,
    homedir: deployment.dir,
    env: {},
    productVersion: '0.1.0',
    maxQueueSize: EVENTS,
  });
  elapsed = await timeDelivery(
    (i) => telemetry.telemetry.track('heartbeat', { component: 'web', uptime_hours: i }),
    () => telemetry.telemetry.flush(),
  );
  await telemetry.shutdown(2000);
} else {
  const client = new PostHog('phc_bench', { host: sinkUrl, maxQueueSize: EVENTS });
  client.on('error', () => {});
  elapsed = await timeDelivery(
    (i) =>
      client.capture({ distinctId: 'bench', event: 'heartbeat', properties: { component: 'web', uptime_hours: i } }),
    () => client.flush(),
  );
  await client.shutdown(2000);
}
deployment.remove();
process.stdout.write(`${elapsed}\n`);
process.exit(0);
