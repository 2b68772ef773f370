import { appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inject } from 'vitest';
import { readJsonLines } from './json-lines.js';

// Test files run in separate workers; each appends whole JSON lines to one file (an append of a few KB is
// atomic on Linux), and the global teardown renders them. The file lives under the OS temp dir, never in the repo.

/** Which table of docs/RELIABILITY.md a record belongs to. */
export type MatrixId = 'fault' | 'bad-input' | 'privacy' | 'product-bug';

/** One named assertion of a cell and whether it held. */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail?: string;
}

/** Everything one cell of a matrix recorded. */
export interface CellRecord {
  matrix: MatrixId;
  row: string;
  column: string;
  checks: CheckResult[];
  notes: string[];
  metrics: Record<string, number | string>;
  durationMs: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    reliabilityResultsFile: string;
  }
}

/** Where results go when no global setup provided a file (a lone file run outside the project). */
export const FALLBACK_RESULTS_FILE = join(tmpdir(), 'elmo-reliability', 'results.jsonl');

/** The results file of this run, as provided by the global setup. */
export function resultsFile(): string {
  try {
    return inject('reliabilityResultsFile') ?? FALLBACK_RESULTS_FILE;
  } catch {
    return FALLBACK_RESULTS_FILE;
  }
}

/** Appends one cell's record to the run's results file. */
export function saveRecord(record: CellRecord): void {
  const file = resultsFile();
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(record)}\n`);
}

/**
 * Reads every record of a results file; a torn last line (a crashed worker) is skipped: the report says how many
 * cells it found, so a missing one shows as "not run".
 */
export function readRecords(file: string): CellRecord[] {
  return readJsonLines<CellRecord>(file);
}
