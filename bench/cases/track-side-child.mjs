// One side of the track-throughput case (bench/cases/track-throughput.mjs): ours or raw posthog-node capture(), the
// same events, bursts and delivery wait, alone in a fresh process. The case times it this way, and its explanation
// runs it again under `node --cpu-prof`. Prints the elapsed ms. With `--check`, it first makes sure that the sink
// received every event (read after the timing, so it is not counted).
import { createBenchDeployment, deliverOurs, deliverRaw, EVENTS } from '../lib/track-delivery.mjs';

const [side, sinkUrl, check] = process.argv.slice(2);
const delivered = async () => {
  if (check !== '--check') return;
  const events = await (await fetch(`${sinkUrl}/api/events`)).json();
  const received = events.filter((e) => e.event === 'heartbeat').length;
  if (received !== EVENTS) throw new Error(`expected ${EVENTS} heartbeats at the sink, it received ${received}`);
};
const deployment = createBenchDeployment(sinkUrl);
try {
  const elapsed = side === 'ours' ? await deliverOurs(deployment, delivered) : await deliverRaw(sinkUrl, delivered);
  process.stdout.write(`${elapsed}\n`);
} finally {
  deployment.remove();
}
process.exit(0);
