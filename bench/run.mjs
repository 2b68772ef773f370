// `pnpm bench`: every budget of DESIGN §5, measured side by side in one run; writes docs/PERFORMANCE.md.
// `node run.mjs cliStatus webLatency` runs only the named cases (the report then holds only those).
import { cliBaseline } from './cases/cli-baseline.mjs';
import { cliColdStart } from './cases/cli-cold-start.mjs';
import { cliStatus } from './cases/cli-status.mjs';
import { cliVsNode } from './cases/cli-vs-node.mjs';
import { heapGrowth } from './cases/heap-growth.mjs';
import { heavyDay } from './cases/heavy-day.mjs';
import { importGraph } from './cases/import-graph.mjs';
import { ingestLatency } from './cases/ingest-latency.mjs';
import { outage } from './cases/outage.mjs';
import { spoolDelivery } from './cases/spool-delivery.mjs';
import { trackThroughput } from './cases/track-throughput.mjs';
import { explainTrackThroughput } from './cases/track-throughput-explanation.mjs';
import { webLatency } from './cases/web-latency.mjs';
import { verdict, writeReport } from './lib/report.mjs';

const only = process.argv.slice(2);
const cases = {
  cliStatus,
  cliBaseline,
  cliColdStart,
  cliVsNode,
  importGraph,
  // The case itself is unchanged; a miss gets a profile-based explanation.
  trackThroughput: async () => explainTrackThroughput(await trackThroughput()),
  heapGrowth,
  spoolDelivery,
  webLatency,
  ingestLatency,
  outage,
  heavyDay,
};
const unknown = only.filter((name) => !Object.hasOwn(cases, name));
if (unknown.length) throw new Error(`unknown case ${unknown.join(', ')}; cases: ${Object.keys(cases).join(', ')}`);
const results = [];
const started = Date.now();
for (const [name, run] of Object.entries(cases)) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`› ${name}…\n`);
  const caseStarted = Date.now();
  // A case returns one result, or several (one per endpoint, route …).
  for (const result of [await run()].flat()) {
    results.push(result);
    process.stderr.write(
      `  ${verdict(result)} ${result.name}: ${result.format(result.value)} (budget ${result.budget})\n`,
    );
  }
  process.stderr.write(`  (${Math.round((Date.now() - caseStarted) / 1000)} s)\n`);
}
writeReport(results, Date.now() - started);
