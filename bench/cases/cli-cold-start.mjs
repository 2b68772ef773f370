// The CLI's start-up on the Node versions users run besides the machine's (22 and 24 LTS, the official builds from
// the registry, as the Node matrix uses them): `elmo status` wall time with Node's module compile cache, which
// the CLI enables on Node 22.1+, ÷ the same run with NODE_DISABLE_COMPILE_CACHE=1. Telemetry is off
// (DO_NOT_TRACK=1) on both sides, so that only start-up differs and no detached sender runs between samples. The
// cache lives in a temp folder of the case's own and is filled by one untimed run first, as any person's first
// `elmo` run fills theirs. Sides alternate (off, on, off, on …).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createTempDir, ELMO_BIN } from '@elmo/test-support';
import { ensureNode, MAJORS } from '../../scripts/node-builds.mjs';
import { createCliHome } from '../lib/cli-home.mjs';
import { alternate, median, ms, spread } from '../lib/stats.mjs';

const PAIRS = 20;

/** Wall time of one `elmo status` on `node` with `env`, in ms. */
function timeStatus(node, env) {
  const started = performance.now();
  const result = spawnSync(node, [ELMO_BIN, 'status'], { env, stdio: 'ignore', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`elmo status on ${node} exited ${result.status}`);
  return performance.now() - started;
}

export async function cliColdStart() {
  const home = createCliHome(undefined);
  const cache = createTempDir('elmo-bench-compile-cache-');
  try {
    // A deployment to report on, set up with telemetry off: this case never sends anything anywhere.
    const init = await home.run(['init', '--yes', '--no-telemetry'], { extraEnv: { DO_NOT_TRACK: '1' } });
    if (init.code !== 0) throw new Error(`elmo init failed (${init.code}): ${init.stderr}`);
    const results = [];
    for (const major of MAJORS) {
      const { version, node } = ensureNode(major);
      const base = home.env({ DO_NOT_TRACK: '1', NODE_COMPILE_CACHE: join(cache.path, version) });
      const withCache = base;
      const withoutCache = { ...base, NODE_DISABLE_COMPILE_CACHE: '1' };
      timeStatus(node, withCache);
      const { a, b, ratios } = await alternate(
        async () => timeStatus(node, withoutCache),
        async () => timeStatus(node, withCache),
        PAIRS,
      );
      const describe = (values) => `${ms(median(values))} (${ms(spread(values)[0])} – ${ms(spread(values)[1])})`;
      results.push({
        name: `CLI start-up on Node ${version}: \`elmo status\` with the module compile cache ÷ without`,
        budget: 'measured, no budget',
        detail:
          `with the cache ${describe(b)}, without (NODE_DISABLE_COMPILE_CACHE=1) ${describe(a)}: medians (min – max) ` +
          `of ${PAIRS} alternating pairs, telemetry off on both sides. The CLI turns the cache on itself on Node 22.1+ ` +
          '(Node 20 has none); below 1 it saves start-up time.',
        value: median(ratios),
        spread: spread(ratios),
        pass: undefined,
        format: (v) => v.toFixed(3),
      });
    }
    return results;
  } finally {
    home.cleanup();
    cache.remove();
  }
}
