// track() in a server process against raw posthog-node capture(). Each side hands EVENTS events over (yielding to the
// event loop every BURST calls, as a server does between requests) and is timed until all of them were delivered to
// the sink, which runs in its own process. Both queues are sized to hold every event, so neither side can win by
// dropping.
//
// Each run is a fresh process of its own (track-side-child.mjs), sides alternating: a server runs one telemetry
// client, not both, and two clients in one process share its JIT and its heap, so that one side's leftover garbage
// and the other's compiled code land on whichever runs next (measured in one process, the same code read 0.79 with
// a spread of 0.65 – 1.09; alone, 0.95 with 0.88 – 1.09).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startSinkProcess } from '@elmo/test-support';
import { alternate, median, spread } from '../lib/stats.mjs';
import { BURST, EVENTS } from '../lib/track-delivery.mjs';

const CHILD = fileURLToPath(new URL('./track-side-child.mjs', import.meta.url));
// Each pair takes ~3 s. With 7 pairs the median ratio came out at 0.86 and 0.90 in two runs while other work shared
// the cores (0.97 – 1.02 otherwise, against a budget of ≥ 0.9); 11 pairs (~8 s more) narrow that, though one run
// of 11 still came out at 0.89.
const PAIRS = 11;
const run = promisify(execFile);

export async function trackThroughput() {
  const sink = await startSinkProcess();
  const side = (name) => async () => {
    await sink.clear();
    const { stdout } = await run(process.execPath, [CHILD, name, sink.url, '--check'], { timeout: 120_000 });
    return Number(stdout.trim());
  };
  try {
    await side('ours')();
    await side('raw')();
    // Side A is raw capture, side B is ours; the throughput ratio (ours ÷ raw) is time(raw) ÷ time(ours).
    const { a, b, ratios } = await alternate(side('raw'), side('ours'), PAIRS);
    const throughput = ratios.map((r) => 1 / r);
    const rate = (t) => `${Math.round(EVENTS / (t / 1000)).toLocaleString('en')}/s`;
    return {
      name: 'track() throughput ÷ raw posthog-node capture()',
      budget: '≥ 0.9',
      detail: `${EVENTS.toLocaleString('en')} events in bursts of ${BURST}, timed until all were received by the sink, each run a fresh process of its own: ours ${rate(median(b))}, raw capture() ${rate(median(a))} (medians of ${PAIRS} alternating pairs)`,
      value: median(throughput),
      spread: spread(throughput),
      pass: median(throughput) >= 0.9,
      format: (v) => v.toFixed(2),
    };
  } finally {
    await sink.stop();
  }
}
