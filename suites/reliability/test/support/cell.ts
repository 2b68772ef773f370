import { type CheckResult, type MatrixId, saveRecord } from './results.js';

// A cell runs every check even after one fails (so the report can say "6/7" rather than stop at the first
// failure), records them all, and only then fails the test with every failed check listed.

/** The checks, notes and metrics of one matrix cell while it runs. */
export class Cell {
  readonly checks: CheckResult[] = [];
  readonly notes: string[] = [];
  readonly metrics: Record<string, number | string> = {};

  constructor(
    readonly matrix: MatrixId,
    readonly row: string,
    readonly column: string,
  ) {}

  /** Runs one assertion; a thrown error marks it failed (with its message) instead of ending the cell. */
  check(name: string, assertion: () => void): boolean {
    try {
      assertion();
      this.checks.push({ name, ok: true });
      return true;
    } catch (error) {
      this.checks.push({ name, ok: false, detail: firstLines(error) });
      return false;
    }
  }

  /** Like `check`, for an assertion that has to wait. */
  async checkAsync(name: string, assertion: () => Promise<void>): Promise<boolean> {
    try {
      await assertion();
      this.checks.push({ name, ok: true });
      return true;
    } catch (error) {
      this.checks.push({ name, ok: false, detail: firstLines(error) });
      return false;
    }
  }

  /** A sentence for the report (why a check does not apply, what was observed). */
  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  /** A measured value for the report (durations, counts). */
  metric(key: string, value: number | string): void {
    this.metrics[key] = typeof value === 'number' ? Math.round(value) : value;
  }

  get failed(): CheckResult[] {
    return this.checks.filter((c) => !c.ok);
  }
}

function firstLines(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Strip ANSI colours from Vitest's diff output; the report is plain markdown.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC.
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  return plain.split('\n').slice(0, 6).join(' ').slice(0, 400);
}

/** Records a finished cell for docs/RELIABILITY.md (a cell with no check counts as failed). */
export function saveCell(cell: Cell, durationMs: number): void {
  if (cell.checks.length === 0) cell.checks.push({ name: 'the cell made at least one check', ok: false });
  saveRecord({
    matrix: cell.matrix,
    row: cell.row,
    column: cell.column,
    checks: cell.checks,
    notes: cell.notes,
    metrics: cell.metrics,
    durationMs: Math.round(durationMs),
  });
}

/** Throws one error listing every failed check of the given cells. */
export function assertCellsPassed(cells: readonly Cell[]): void {
  const lines: string[] = [];
  for (const cell of cells) {
    for (const c of cell.failed)
      lines.push(`  ✗ ${cell.row} × ${cell.column}: ${c.name}${c.detail ? `: ${c.detail}` : ''}`);
  }
  if (lines.length > 0) throw new Error(`${lines.length} checks failed\n${lines.join('\n')}`);
}

/** What the body of `runCells` is handed: where it is, for a cell that never ends, and whether it was given up. */
export interface CellRun {
  /** Names the step the body is at. Throws once the cell was given up, so an abandoned body stops at its next step. */
  step(name: string): void;
  /** Aborted when the cell was given up: nothing more may be started. */
  readonly signal: AbortSignal;
}

/** A cell's own deadline: below the test's timeout, so that a stuck cell is reported, and cleaned up, by itself. */
export interface CellDeadline {
  ms: number;
  /** Stops what the stuck body started (processes hold the deployment's data folder, which the next cell needs). */
  giveUp(): Promise<void>;
}

/**
 * Runs several cells that share one setup (one web + worker pair serves the web, worker and browser rows);
 * an error thrown by the body fails each cell that has not finished, and every cell is recorded. With a deadline,
 * a body still running after `deadline.ms` fails every cell with the step it was stuck at, and `giveUp` stops what
 * it started, so that the next cell starts clean instead of failing too (a test timeout alone would leave the
 * body and its processes running).
 */
export async function runCells(
  cells: readonly Cell[],
  body: (run: CellRun) => Promise<void>,
  deadline?: CellDeadline,
): Promise<void> {
  const started = performance.now();
  const controller = new AbortController();
  let at = 'starting';
  const run: CellRun = {
    step(name) {
      controller.signal.throwIfAborted();
      at = name;
    },
    signal: controller.signal,
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const finished = body(run);
    if (!deadline) await finished;
    else {
      // The abandoned body ends on its own later (at its next step); its error is no longer anyone's.
      finished.catch(() => undefined);
      const expired = new Promise<'expired'>((resolve) => {
        timer = setTimeout(() => resolve('expired'), deadline.ms);
      });
      if ((await Promise.race([finished, expired])) === 'expired') {
        controller.abort();
        await deadline.giveUp();
        throw new Error(`still running after ${Math.round(deadline.ms / 1000)} s, at: ${at}`);
      }
    }
  } catch (error) {
    for (const cell of cells)
      cell.checks.push({ name: 'the cell ran to the end', ok: false, detail: firstLines(error) });
  } finally {
    clearTimeout(timer);
  }
  for (const cell of cells) saveCell(cell, performance.now() - started);
  assertCellsPassed(cells);
}

/**
 * Runs a cell body, records it for docs/RELIABILITY.md whatever happens, then fails the test if any check
 * failed (or the body threw). The record is written before failing, so failed cells are reported too.
 */
export async function runCell(
  matrix: MatrixId,
  row: string,
  column: string,
  body: (cell: Cell) => Promise<void>,
): Promise<Cell> {
  const cell = new Cell(matrix, row, column);
  const started = performance.now();
  try {
    await body(cell);
  } catch (error) {
    cell.checks.push({ name: 'the cell ran to the end', ok: false, detail: firstLines(error) });
  }
  saveCell(cell, performance.now() - started);
  assertCellsPassed([cell]);
  return cell;
}
