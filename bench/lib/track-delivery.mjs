// What the track() benchmarks share: a deployment's web telemetry in a bench deployment, and the two sides of
// the throughput comparison (ours, raw posthog-node capture()), each handing EVENTS events over in bursts of
// BURST (yielding to the event loop between bursts, as a server does between requests) and timed until all of
// them were delivered. Each runs alone in a fresh child process: track-side-child (the throughput case and its
// profile) and heap-child.
import { createDeploymentTelemetry } from '@elmo/elmo-telemetry/deployment';
import { createDeployment } from '@elmo/test-support';
import { PostHog } from 'posthog-node';

export const EVENTS = 20_000;
export const BURST = 100;

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

/** A deployment folder whose `.env` points telemetry at `sinkUrl`; `remove()` deletes it. */
export function createBenchDeployment(sinkUrl) {
  return createDeployment({ sinkUrl, prefix: 'elmo-bench-' });
}

/** The web component's deployment telemetry of `deployment`; `options` (e.g. maxQueueSize) are added. */
export function createWebTelemetry(deployment, options = {}) {
  return createDeploymentTelemetry({
    component: 'web',
    deploymentDir: deployment.dir,
    homedir: deployment.dir,
    env: {},
    productVersion: '0.1.0',
    ...options,
  });
}

/** The event every track benchmark sends: a web heartbeat, numbered `i`. */
export function trackHeartbeat(webTelemetry, i) {
  webTelemetry.telemetry.track('heartbeat', { component: 'web', uptime_hours: i });
}

async function timeDelivery(call, flush) {
  const started = performance.now();
  for (let i = 0; i < EVENTS; i += 1) {
    call(i);
    if (i % BURST === BURST - 1) await yieldToLoop();
  }
  await flush();
  return performance.now() - started;
}

/**
 * Ours: EVENTS heartbeats through the deployment telemetry (its queue sized to hold them all, so it cannot win by
 * dropping); resolves with the ms until they were delivered. `delivered` runs after that, before shutdown.
 */
export async function deliverOurs(deployment, delivered = async () => {}) {
  const web = createWebTelemetry(deployment, { maxQueueSize: EVENTS });
  const elapsed = await timeDelivery(
    (i) => trackHeartbeat(web, i),
    () => web.telemetry.flush(),
  );
  await delivered();
  await web.shutdown(2000);
  return elapsed;
}

/** Raw: the same events through posthog-node's capture() (queue sized the same); like deliverOurs. */
export async function deliverRaw(sinkUrl, delivered = async () => {}) {
  const client = new PostHog('phc_bench', { host: sinkUrl, maxQueueSize: EVENTS });
  client.on('error', () => {});
  const elapsed = await timeDelivery(
    (i) =>
      client.capture({ distinctId: 'bench', event: 'heartbeat', properties: { component: 'web', uptime_hours: i } }),
    () => client.flush(),
  );
  await delivered();
  await client.shutdown(2000);
  return elapsed;
}
