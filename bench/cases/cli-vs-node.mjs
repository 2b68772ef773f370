// CLI start-up against bare Node (DESIGN §5): `elmo --version` ÷ `node -e 0` (budget 1.5) and `elmo status` with
// telemetry off ÷ `node -e 0` (budget 2.0). The environment holds only PATH, HOME and LANG: a variable such as
// NODE_EXTRA_CA_CERTS adds tens of milliseconds to every Node start alike and would hide the difference. Telemetry
// is off through the user config in that HOME (`telemetryDisabled`), not through a variable. Sides alternate.
import { spawnSync } from 'node:child_process';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { ELMO_BIN } from '@elmo/test-support';
import { createCliHome } from '../lib/cli-home.mjs';
import { alternate, median, ms, spread } from '../lib/stats.mjs';

const PAIRS = 30;

/** Wall time of one process run with `args` and `env`, in ms; it must exit 0. */
function time(args, env) {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { env, stdio: 'ignore', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return performance.now() - started;
}

export async function cliVsNode() {
  const home = createCliHome(undefined);
  try {
    home.writeConfig({
      telemetryDisabled: true,
      telemetryChoice: 'disabled',
      noticeVersion: elmoCatalog.consentVersion,
    });
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home.env().HOME,
      LANG: process.env.LANG ?? 'C.UTF-8',
    };
    const bare = () => time(['-e', '0'], env);
    const rows = [
      { what: '`elmo --version`', args: [ELMO_BIN, '--version'], budget: 1.5 },
      { what: '`elmo status` (telemetry off)', args: [ELMO_BIN, 'status'], budget: 2.0 },
    ];
    const results = [];
    for (const row of rows) {
      time(row.args, env); // a first, untimed run warms the file cache
      const { a, b, ratios } = await alternate(bare, async () => time(row.args, env), PAIRS);
      const describe = (values) => `${ms(median(values))} (${ms(spread(values)[0])} – ${ms(spread(values)[1])})`;
      const value = median(ratios);
      results.push({
        name: `CLI start-up, clean environment: ${row.what} ÷ \`node -e 0\``,
        budget: `≤ ${row.budget}`,
        detail:
          `${row.what} ${describe(b)}, \`node -e 0\` ${describe(a)}: medians (min – max) of ${PAIRS} alternating ` +
          'pairs, environment of PATH, HOME and LANG only.' +
          (value > row.budget
            ? ' Miss: the CLI is one CommonJS bundle (commander inside) compiled from the V8 code cache its build ' +
              'made, behind a small entry that answers --version alone (apps/cli/scripts/build.mjs); what is left is ' +
              'reading and running that bundle, the built-ins it loads (commander loads child_process, dotenv ' +
              'crypto), and for `status` the consent rules, the deployment lookup and its output.'
            : ''),
        value,
        spread: spread(ratios),
        pass: value <= row.budget,
        format: (v) => v.toFixed(2),
      });
    }
    return results;
  } finally {
    home.cleanup();
  }
}
