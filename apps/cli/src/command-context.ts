import { Option } from 'commander';
import type { CliDeps } from './deps.js';
import type { CliSession } from './telemetry/session.js';

/** What every command receives: the outside world and this run's telemetry session. */
export interface CommandContext {
  deps: CliDeps;
  session: CliSession;
}

/** `--dir <path>`, declared on every command (SPEC §2). */
export function dirOption(): Option {
  return new Option('--dir <path>', 'deployment folder (default: $ELMO_HOME, else ~/.elmo)');
}

/** Writes lines to stdout. */
export function printLines(deps: CliDeps, lines: readonly string[]): void {
  deps.stdout(`${lines.join('\n')}\n`);
}

/** Prints what a command found: under `--json` as one indented JSON value (for scripts), else as `format`'s lines. */
export function printReport<T>(
  deps: CliDeps,
  report: T,
  json: boolean | undefined,
  format: (report: T) => string[],
): void {
  if (json) deps.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else printLines(deps, format(report));
}
