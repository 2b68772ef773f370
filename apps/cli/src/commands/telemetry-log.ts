import { cliPaths } from '@elmo/elmo-telemetry/node';
import type { LogEntry } from '@elmo/telemetry-core';
import { readLocalLog } from '@elmo/telemetry-core/node';
import { CliError, USAGE_EXIT_CODE } from '../cli-error.js';
import { type CommandContext, printLines } from '../command-context.js';
import { DEFAULT_LOG_LINES } from './telemetry-command.js';

/** Options of `elmo telemetry log`. */
export interface TelemetryLogOptions {
  dir?: string;
  lines?: string;
  json?: boolean;
  since?: string;
}

function parseLines(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LOG_LINES;
  const count = /^\d{1,6}$/.test(value) ? Number(value) : 0;
  if (count < 1)
    throw new CliError('usage', `-n/--lines must be a whole number of at least 1, not "${value}"`, USAGE_EXIT_CODE);
  return count;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: a relative duration (`30m`, `24h`, `7d`) before now, or an ISO date or date-time; ms since the epoch. */
export function parseSince(value: string, now: number): number {
  const relative = /^(\d{1,6})([smhdw])$/.exec(value.trim());
  if (relative) return now - Number(relative[1]) * (UNIT_MS[relative[2] as string] ?? 0);
  const absolute = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())
    ? Date.parse(value)
    : Number.NaN;
  if (Number.isNaN(absolute))
    throw new CliError(
      'usage',
      `--since must be a duration like 30m, 24h or 7d, or an ISO date like 2026-01-31 or 2026-01-31T09:00Z, not "${value}"`,
      USAGE_EXIT_CODE,
    );
  return absolute;
}

function formatEntry(entry: LogEntry): string {
  const details = entry.properties ? ` ${JSON.stringify(entry.properties)}` : '';
  const reason = entry.reason ? ` (${entry.reason})` : '';
  return `${entry.time}  ${entry.status.padEnd(10)}  ${entry.event}${reason}${details}`;
}

/** `elmo telemetry log`: the latest events of the CLI's local transparency log, oldest first. */
export async function runTelemetryLog(context: CommandContext, options: TelemetryLogOptions): Promise<void> {
  const { deps } = context;
  const since = options.since === undefined ? undefined : parseSince(options.since, deps.now());
  // With --since and no -n, every event since then.
  const count =
    since !== undefined && options.lines === undefined ? Number.MAX_SAFE_INTEGER : parseLines(options.lines);
  const logFile = cliPaths(deps.env, deps.homedir).logFile;
  const entries =
    since === undefined
      ? readLocalLog(logFile, count)
      : readLocalLog(logFile, Number.MAX_SAFE_INTEGER)
          .filter((entry) => Date.parse(entry.time) >= since)
          .slice(-count);
  // JSON Lines: one entry per line, as stored, so that scripts can stream and filter them (jq -c, grep).
  if (options.json) {
    deps.stdout(entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    return;
  }
  const window = since === undefined ? '' : ` since ${new Date(since).toISOString()}`;
  printLines(
    deps,
    entries.length === 0
      ? [`No telemetry events recorded${window || ' yet'} (${logFile}).`]
      : [...entries.map(formatEntry), `(${entries.length} latest${window} from ${logFile})`],
  );
}
