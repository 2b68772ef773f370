// Reads V8 CPU profiles (`node --cpu-prof`) to explain where a process spent its time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The frames the benchmarks explain time with (cpu-frames.json), by label: a function name and a substring of its
 * script URL. V8's idle and garbage collector pseudo-frames, Node's fsync and spawn, the built CLI and
 * telemetry-core, and posthog-node's per-event work (prepare, normalise, queue: `enqueue`) and its gzip.
 */
const KNOWN_FRAMES = JSON.parse(readFileSync(new URL('./cpu-frames.json', import.meta.url), 'utf8'));

/** The `frames` argument of inclusiveTimes/meanTimes for these labels of the known frames. */
export function pickFrames(...labels) {
  return Object.fromEntries(
    labels.map((label) => {
      if (!Object.hasOwn(KNOWN_FRAMES, label)) throw new Error(`unknown frame ${label}`);
      return [label, KNOWN_FRAMES[label]];
    }),
  );
}

/**
 * Inclusive milliseconds of the frames matching each of `frames` ({label: {name, url}}: a function name and a
 * substring of its script URL), and the profile's whole duration, for one .cpuprofile file. `identify` gives the
 * name and URL a frame is matched by (a bundle's benchmark maps them back to its sources).
 */
export function inclusiveTimes(file, frames, identify = (callFrame) => callFrame) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const labels = new Map();
  for (const node of profile.nodes) {
    const { functionName, url } = identify(node.callFrame);
    const label = Object.keys(frames).find((key) => frames[key].name === functionName && url.includes(frames[key].url));
    if (label) labels.set(node.id, label);
  }
  const totals = Object.fromEntries(Object.keys(frames).map((label) => [label, 0]));
  profile.samples.forEach((sample, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const seen = new Set();
    for (let id = sample; id !== undefined; id = parents.get(id)) {
      const label = labels.get(id);
      if (label && !seen.has(label)) {
        seen.add(label);
        totals[label] += ms;
      }
    }
  });
  return { durationMs: (profile.endTime - profile.startTime) / 1000, ...totals };
}

/** The mean of inclusiveTimes over every .cpuprofile in `dir`. */
export function meanTimes(dir, frames, identify) {
  const files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  const sums = {};
  for (const file of files) {
    for (const [key, value] of Object.entries(inclusiveTimes(join(dir, file), frames, identify)))
      sums[key] = (sums[key] ?? 0) + value;
  }
  return Object.fromEntries(Object.entries(sums).map(([key, value]) => [key, value / files.length]));
}
