// Prints the results table and writes docs/PERFORMANCE.md.
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const REPORT = fileURLToPath(new URL('../../docs/PERFORMANCE.md', import.meta.url));

/** PASS or MISS against the budget; results without a budget (`pass` undefined) are reported only. */
export function verdict(result) {
  if (result.pass === undefined) return 'reported';
  return result.pass ? 'PASS' : 'MISS';
}

/** Prints and writes the benchmark report. */
export function writeReport(results, elapsedMs) {
  const rows = results.map((r) => {
    const [low, high] = r.spread ?? [r.value, r.value];
    return `| ${r.name} | ${r.format(r.value)} | ${r.format(low)} – ${r.format(high)} | ${r.budget} | ${verdict(r)} |`;
  });
  const table = ['| what | median | spread (min – max) | budget | result |', '|---|---|---|---|---|', ...rows].join(
    '\n',
  );
  console.log(`\n${table}\n`);
  const details = results.map((r) => `- **${r.name}**: ${r.detail}${r.explanation ? `\n  ${r.explanation}` : ''}`);
  const text = [
    '# Performance',
    '',
    '<!-- Written by `pnpm bench` (bench/run.mjs). Do not edit by hand. -->',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}),`,
    `${Math.round(totalmem() / 2 ** 30)} GiB memory, Node ${process.version}. The whole run took ${Math.round(elapsedMs / 1000)} s.`,
    'Whole-process timings alternate the two sides (A B A B …) and report the median of the pair-by-pair ratios,',
    'so that drift of the machine during the run cancels out.',
    '',
    table,
    '',
    '## Details',
    '',
    ...details,
    '',
  ].join('\n');
  writeFileSync(REPORT, text);
  console.log(`wrote ${REPORT}`);
}
