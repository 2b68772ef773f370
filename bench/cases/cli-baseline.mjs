// BASELINE: Elmo's original approach (bench/baseline/original-cli.mjs: a new posthog-node client per event and
// `await client.shutdown()` with its defaults), run like `elmo status` against the same three endpoints and
// compared with the same script with telemetry off (DO_NOT_TRACK=1). No budget: reported beside ours.
//
// Healthy: alternating pairs, like ours. Hanging and refused endpoints: a run lasts ~49 s and ~9 s, waiting on
// posthog-node's timeouts and retry pauses with an idle CPU, so the "on" runs are started together (after the
// "off" runs, which are timed one by one) to keep `pnpm bench` under 10 minutes; their start-up CPU overlaps
// for a few hundred ms, which is under 1 % of what is measured. Runs are capped at 60 s ("> 60 s").
import { fileURLToPath } from 'node:url';
import { runNode } from '@elmo/test-support';
import { createCliHome, initCliHome } from '../lib/cli-home.mjs';
import { ENDPOINT_LABELS, ENDPOINTS, startEndpoint } from '../lib/endpoints.mjs';
import { alternate, median, ms, spread } from '../lib/stats.mjs';

const SCRIPT = fileURLToPath(new URL('../baseline/original-cli.mjs', import.meta.url));
const PAIRS = { healthy: 10, hang: 5, refused: 5 };
const CAP_MS = 60_000;

const seconds = (v) => (v >= 1000 ? `${(v / 1000).toFixed(1)} s` : ms(v));
const ratio = (v) => (v >= 10 ? `${Math.round(v)}` : v.toFixed(2));

async function measure(kind) {
  const endpoint = await startEndpoint(kind);
  const home = createCliHome(endpoint.url);
  try {
    await initCliHome(home);
    let capped = 0;
    const run = async (extra) => {
      const result = await runNode(SCRIPT, [], { env: home.env(extra), timeoutMs: CAP_MS, resolveOnTimeout: true });
      if (result.timedOut) capped += 1;
      else if (result.code !== 0) throw new Error(`the baseline failed (${result.code}): ${result.stderr}`);
      return result.durationMs;
    };
    const off = () => run({ DO_NOT_TRACK: '1' });
    const on = () => run({});
    await off();
    let a;
    let b;
    let ratios;
    if (kind === 'healthy') {
      await on();
      ({ a, b, ratios } = await alternate(off, on, PAIRS[kind]));
    } else {
      a = [];
      for (let i = 0; i < PAIRS[kind]; i += 1) a.push(await off());
      b = await Promise.all(a.map(() => on()));
      ratios = b.map((value, i) => value / a[i]);
    }
    const hitCap =
      capped > 0
        ? `; ${capped} of ${b.length} "on" runs hit the ${CAP_MS / 1000} s cap (counted as ${CAP_MS / 1000} s)`
        : '';
    const how =
      kind === 'healthy'
        ? `${PAIRS[kind]} alternating pairs`
        : `${PAIRS[kind]} off runs, then ${PAIRS[kind]} on runs started together`;
    const [low, high] = spread(b);
    const [offLow, offHigh] = spread(a);
    const atCap = (v) => (capped > 0 && v >= CAP_MS ? `> ${CAP_MS / 1000} s` : seconds(v));
    return {
      name: `BASELINE (original: client per event, await shutdown()), ${ENDPOINT_LABELS[kind]}: on ÷ off`,
      budget: 'reported beside ours',
      detail:
        `on ${atCap(median(b))} (${atCap(low)} – ${atCap(high)}), off ${seconds(median(a))} (${seconds(offLow)} – ${seconds(offHigh)}): ` +
        `medians (min – max) of ${how}${hitCap}. posthog-node is loaded in the command's process even when telemetry is off.`,
      value: median(ratios),
      spread: spread(ratios),
      pass: undefined,
      format: (v) => (capped > 0 && v >= CAP_MS / median(a) ? `> ${ratio(v)}` : ratio(v)),
    };
  } finally {
    home.cleanup();
    await endpoint.stop();
  }
}

/** One result per endpoint kind. */
export async function cliBaseline() {
  const results = [];
  for (const kind of ENDPOINTS) results.push(await measure(kind));
  return results;
}
