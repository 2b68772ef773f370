// Child of the track-throughput explanation: one side of bench/cases/track-throughput.mjs (same events, bursts and
// delivery wait), run alone in its own process under `node --cpu-prof`. Prints the elapsed ms.
import { createBenchDeployment, deliverOurs, deliverRaw } from '../lib/track-delivery.mjs';

const [side, sinkUrl] = process.argv.slice(2);
const deployment = createBenchDeployment(sinkUrl);
const elapsed = side === 'ours' ? await deliverOurs(deployment) : await deliverRaw(sinkUrl);
deployment.remove();
process.stdout.write(`${elapsed}\n`);
process.exit(0);
