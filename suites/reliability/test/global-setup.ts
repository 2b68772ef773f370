import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { renderReport } from './support/report.js';
import { readRecords } from './support/results.js';

/** docs/RELIABILITY.md of this repository, found from this file (suites/reliability/test). */
export const REPORT_PATH = resolve(import.meta.dirname, '..', '..', '..', 'docs', 'RELIABILITY.md');

/**
 * Set by `pnpm report:reliability` only: a committed report is rewritten by its own full run, never by `npm test`
 * or a filtered run, so that testing leaves the working tree as it was.
 */
const WRITE_REPORT = process.env.ELMO_WRITE_RELIABILITY_REPORT === '1';

/** Gives the run a fresh results file; the teardown renders its records into docs/RELIABILITY.md when asked to. */
export default function setup(project: TestProject): () => void {
  const startedAt = new Date();
  const dir = join(tmpdir(), 'elmo-reliability');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `run-${startedAt.getTime()}-${process.pid}.jsonl`);
  project.provide('reliabilityResultsFile', file);
  return () => {
    const records = readRecords(file);
    // A run that recorded nothing (every test filtered out) leaves the last report in place.
    if (WRITE_REPORT && records.length > 0) {
      writeFileSync(REPORT_PATH, renderReport(records, { startedAt, durationMs: Date.now() - startedAt.getTime() }));
    }
    rmSync(file, { force: true });
  };
}
