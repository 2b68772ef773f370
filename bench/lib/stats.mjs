import { createRandom } from '@elmo/test-support';

// Small statistics helpers for side-by-side benchmarks.

/** The median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The spread as [min, max] of a list of numbers. */
export function spread(values) {
  return [Math.min(...values), Math.max(...values)];
}

/**
 * Runs two sides alternately (A B A B …) `pairs` times and returns each side's samples, and the ratio (B ÷ A) and
 * the difference (B − A) of each pair, so that drift of the machine during the run cancels out.
 */
export async function alternate(runA, runB, pairs) {
  const a = [];
  const b = [];
  const ratios = [];
  const differences = [];
  for (let i = 0; i < pairs; i += 1) {
    const x = await runA();
    const y = await runB();
    a.push(x);
    b.push(y);
    ratios.push(y / x);
    differences.push(y - x);
  }
  return { a, b, ratios, differences };
}

/** Formats a number of milliseconds for the report. */
export function ms(value) {
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

/**
 * A 95 % interval for the median of `values` (percentile bootstrap: the median of 2,000 resamples drawn with
 * replacement, seeded). It says how far the median could land on another run of the same size on this machine:
 * when it straddles a budget, that run cannot tell a pass from a miss.
 */
export function medianInterval(values, resamples = 2000) {
  const random = createRandom(values.length);
  const medians = [];
  for (let r = 0; r < resamples; r += 1) {
    medians.push(median(values.map(() => values[Math.floor(random() * values.length)])));
  }
  medians.sort((x, y) => x - y);
  return [medians[Math.floor(resamples * 0.025)], medians[Math.ceil(resamples * 0.975) - 1]];
}
