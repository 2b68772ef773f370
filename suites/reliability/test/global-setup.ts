import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { renderReport } from './support/report.js';
import { readRecords } from './support/results.js';

/** docs/RELIABILITY.md of this repository, found from this file (suites/reliability/test). */
export const REPORT_PATH = resolve(import.meta.dirname, '..', '..', '..', 'docs', 'RELIABILITY.md');

/** Gives the run a fresh results file; the teardown renders its records into docs/RELIABILITY.md. */
export default function setup(project: TestProject): () => void {
  const startedAt = new Date();
  const dir = join(tmpdir(), 'elmo-reliability');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `run-${startedAt.getTime()}-${process.pid}.jsonl`);
  project.provide('reliabilityResultsFile', file);
  return () => {
    const records = readRecords(file);
    // A run that recorded nothing (every test filtered out) leaves the last report in place.
    if (records.length > 0) {
      writeFileSync(REPORT_PATH, renderReport(records, { startedAt, durationMs: Date.now() - startedAt.getTime() }));
    }
    rmSync(file, { force: true });
  };
}
