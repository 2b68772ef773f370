import { cliPaths } from '@elmo/elmo-telemetry/node';
import type { LogEntry } from '@elmo/telemetry-core';
import { readLocalLog } from '@elmo/telemetry-core/node';
import { Command, Option } from 'commander';
import { CliError, USAGE_EXIT_CODE } from '../cli-error.js';
import { type CommandContext, dirOption, printReport } from '../command-context.js';

/** Options of `elmo telemetry log`. */
export interface TelemetryLogOptions {
  dir?: string;
  lines?: string;
  json?: boolean;
}

const DEFAULT_LINES = 20;

function parseLines(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LINES;
  const count = /^\d{1,6}$/.test(value) ? Number(value) : 0;
  if (count < 1)
    throw new CliError('usage', `-n/--lines must be a whole number of at least 1, not "${value}"`, USAGE_EXIT_CODE);
  return count;
}

function formatEntry(entry: LogEntry): string {
  const details = entry.properties ? ` ${JSON.stringify(entry.properties)}` : '';
  const reason = entry.reason ? ` (${entry.reason})` : '';
  return `${entry.time}  ${entry.status.padEnd(10)}  ${entry.event}${reason}${details}`;
}

/** `elmo telemetry log`: the latest events of the CLI's local transparency log, oldest first. */
export async function runTelemetryLog(context: CommandContext, options: TelemetryLogOptions): Promise<void> {
  const { deps } = context;
  const count = parseLines(options.lines);
  const logFile = cliPaths(deps.env, deps.homedir).logFile;
  const entries = readLocalLog(logFile, count);
  printReport(deps, entries, options.json, (latest) =>
    latest.length === 0
      ? [`No telemetry events recorded yet (${logFile}).`]
      : [...latest.map(formatEntry), `(${latest.length} latest from ${logFile})`],
  );
}

/** Declares `elmo telemetry log`. */
export function makeTelemetryLogCommand(context: CommandContext): Command {
  return new Command('log')
    .description('Print the latest telemetry events sent, or that would have been')
    .addOption(dirOption())
    .addOption(new Option('-n, --lines <n>', `how many events (default ${DEFAULT_LINES})`))
    .addOption(new Option('--json', 'print a JSON array'))
    .action((options: TelemetryLogOptions) => runTelemetryLog(context, options));
}
