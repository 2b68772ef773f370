// track() in a server process against raw posthog-node capture(), same process, alternating. Each side
// hands EVENTS events over (yielding to the event loop every BURST calls, as a server does between requests)
// and is timed until all of them were delivered to the sink, which runs in its own process. Both queues are
// sized to hold every event, so neither side can win by dropping.
import { createDeploymentTelemetry } from '@elmo/elmo-telemetry/deployment';
import { createDeployment, startSinkProcess } from '@elmo/test-support';
import { PostHog } from 'posthog-node';
import { alternate, median, spread } from '../lib/stats.mjs';

const EVENTS = 20_000;
const BURST = 100;
const PAIRS = 5;
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

async function timeDelivery(call, flush) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i += 1) {
    call(i);
    if (i % BURST === BURST - 1) await yieldToLoop();
  }
  await flush();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function expectAllReceived(sink) {
  const received = await sink.count();
  if (received !== EVENTS) throw new Error(`expected ${EVENTS} events at the sink, it received ${received}`);
}

export async function trackThroughput() {
  const sink = await startSinkProcess();
  const deployment = createDeployment({ sinkUrl: sink.url, prefix: 'elmo-bench-' });
  const checked = async (run) => {
    await sink.clear();
    return run();
  };
  const ours = () =>
    checked(async () => {
      const telemetry = createDeploymentTelemetry({
        component: 'web',
        deploymentDir: deployment.dir,
        homedir: deployment.dir,
        env: {},
        productVersion: '0.1.0',
        maxQueueSize: EVENTS,
      });
      const elapsed = await timeDelivery(
        (i) => telemetry.telemetry.track('heartbeat', { component: 'web', uptime_hours: i }),
        () => telemetry.telemetry.flush(),
      );
      await expectAllReceived(sink);
      await telemetry.shutdown(2000);
      return elapsed;
    });
  const raw = () =>
    checked(async () => {
      const client = new PostHog('phc_bench', { host: sink.url, maxQueueSize: EVENTS });
      client.on('error', () => {});
      const elapsed = await timeDelivery(
        (i) =>
          client.capture({
            distinctId: 'bench',
            event: 'heartbeat',
            properties: { component: 'web', uptime_hours: i },
          }),
        () => client.flush(),
      );
      await expectAllReceived(sink);
      await client.shutdown(2000);
      return elapsed;
    });
  try {
    await ours();
    await raw();
    // Side A is raw capture, side B is ours; the throughput ratio (ours ÷ raw) is time(raw) ÷ time(ours).
    const { a, b, ratios } = await alternate(raw, ours, PAIRS);
    const throughput = ratios.map((r) => 1 / r);
    const rate = (t) => `${Math.round(EVENTS / (t / 1000)).toLocaleString('en')}/s`;
    return {
      name: 'track() throughput ÷ raw posthog-node capture()',
      budget: '≥ 0.80',
      detail: `${EVENTS.toLocaleString('en')} events in bursts of ${BURST}, timed until all were received by the sink: ours ${rate(median(b))}, raw capture() ${rate(median(a))} (medians of ${PAIRS} alternating pairs)`,
      value: median(throughput),
      spread: spread(throughput),
      pass: median(throughput) >= 0.8,
      format: (v) => v.toFixed(2),
    };
  } finally {
    deployment.remove();
    await sink.stop();
  }
}
