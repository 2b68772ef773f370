import { existsSync } from 'node:fs';
import type { RunResult, TestHome } from '@elmo/test-support';
import { expect, it } from 'vitest';
import { type Cell, runCell } from './cell.js';
import { sleep } from './wire.js';

// Assertions the bad-input cells share: one clear line, exit codes, files left alone, telemetry inert.

/**
 * Declares one bad-input case of the CLI: a test named after its row of the report, whose checks make the cell
 * `row` × cli; `body` gets the test's own home (from `useE2E`, fresh for each test).
 */
export function cliCase(
  e2e: { readonly home: TestHome },
  row: string,
  body: (cell: Cell, home: TestHome) => Promise<void>,
  timeoutMs?: number,
): void {
  it(
    row,
    async () => {
      await runCell('bad-input', row, 'cli', (cell) => body(cell, e2e.home));
    },
    timeoutMs,
  );
}

/** The non-empty lines of a text. */
export function linesOf(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
}

/** A stack frame line, which SPEC §10 allows only under LOG_LEVEL=trace. */
export const STACK_LINE = /^\s+at .+(?:\(.+:\d+:\d+\)|:\d+:\d+)$/m;

/** The run succeeded (exit 0) and printed at most `warnings` lines on stderr, each naming `file`. */
export function checkWorksWithWarning(cell: Cell, name: string, run: RunResult, file: string): void {
  cell.check(`${name}: exits 0`, () => expect(run.code).toBe(0));
  cell.check(`${name}: one warning line naming ${file.split('/').pop()}`, () => {
    const lines = linesOf(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning: /);
    expect(lines[0]).toContain(file);
  });
}

/** The run failed with one line on stderr (naming `file` when given) and a non-zero exit code. */
export function checkRefusedInOneLine(cell: Cell, name: string, run: RunResult, file?: string): void {
  cell.check(`${name}: refuses with one line and a non-zero exit`, () => {
    expect(run.code).not.toBe(0);
    expect(run.signal).toBeNull();
    const lines = linesOf(run.stderr);
    expect(lines).toHaveLength(1);
    expect(run.stderr).not.toMatch(STACK_LINE);
    if (file) expect(lines[0]).toContain(file);
  });
}

/** Nothing was sent, no sender runs, no spool or state folder was created (SPEC §3 "inert"). */
export async function checkInert(cell: Cell, home: TestHome, sink: { requests: readonly unknown[] }): Promise<void> {
  // A request could only come from a sender; a short pause lets one that was wrongly started show up.
  await sleep(300);
  cell.check('telemetry is inert: no request, no sender, no spool', () => {
    expect(sink.requests).toEqual([]);
    expect(home.senders()).toEqual([]);
    expect(existsSync(home.spoolFile)).toBe(false);
  });
}
