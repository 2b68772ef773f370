// track() in a server process against raw posthog-node capture(), same process, alternating. Each side
// hands EVENTS events over (yielding to the event loop every BURST calls, as a server does between requests)
// and is timed until all of them were delivered to the sink, which runs in its own process. Both queues are
// sized to hold every event, so neither side can win by dropping.
import { startSinkProcess } from '@elmo/test-support';
import { alternate, median, spread } from '../lib/stats.mjs';
import { BURST, createBenchDeployment, deliverOurs, deliverRaw, EVENTS } from '../lib/track-delivery.mjs';

const PAIRS = 5;

export async function trackThroughput() {
  const sink = await startSinkProcess();
  const deployment = createBenchDeployment(sink.url);
  const expectAllReceived = async () => {
    const received = await sink.count();
    if (received !== EVENTS) throw new Error(`expected ${EVENTS} events at the sink, it received ${received}`);
  };
  const ours = async () => {
    await sink.clear();
    return deliverOurs(deployment, expectAllReceived);
  };
  const raw = async () => {
    await sink.clear();
    return deliverRaw(sink.url, expectAllReceived);
  };
  try {
    await ours();
    await raw();
    // Side A is raw capture, side B is ours; the throughput ratio (ours ÷ raw) is time(raw) ÷ time(ours).
    const { a, b, ratios } = await alternate(raw, ours, PAIRS);
    const throughput = ratios.map((r) => 1 / r);
    const rate = (t) => `${Math.round(EVENTS / (t / 1000)).toLocaleString('en')}/s`;
    return {
      name: 'track() throughput ÷ raw posthog-node capture()',
      budget: '≥ 0.9',
      detail: `${EVENTS.toLocaleString('en')} events in bursts of ${BURST}, timed until all were received by the sink: ours ${rate(median(b))}, raw capture() ${rate(median(a))} (medians of ${PAIRS} alternating pairs)`,
      value: median(throughput),
      spread: spread(throughput),
      pass: median(throughput) >= 0.9,
      format: (v) => v.toFixed(2),
    };
  } finally {
    deployment.remove();
    await sink.stop();
  }
}
