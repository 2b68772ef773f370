// `pnpm bench`: every budget of DESIGN §5, measured side by side in one run; writes docs/PERFORMANCE.md.
import { heapGrowth } from './cases/heap-growth.mjs';
import { spoolDelivery } from './cases/spool-delivery.mjs';
import { trackThroughput } from './cases/track-throughput.mjs';
import { writeReport } from './lib/report.mjs';

const only = process.argv.slice(2);
const cases = { trackThroughput, heapGrowth, spoolDelivery };
const results = [];
const started = Date.now();
for (const [name, run] of Object.entries(cases)) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`› ${name}…\n`);
  const result = await run();
  results.push(result);
  process.stderr.write(`  ${result.pass ? 'PASS' : 'MISS'} ${result.name}: ${result.format(result.value)} (budget ${result.budget})\n`);
}
writeReport(results, Date.now() - started);
