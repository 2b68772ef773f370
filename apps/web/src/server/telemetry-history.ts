import type { LogEntry } from '@elmo/telemetry-core';

/** How the settings page's chart groups what became of an event: left the machine, waiting, kept here, lost. */
export type HistoryStatus = 'sent' | 'queued' | 'local' | 'dropped';

/** The chart's statuses, in stacking order (bottom first). */
export const HISTORY_STATUSES: readonly HistoryStatus[] = ['sent', 'queued', 'local', 'dropped'];

// Keyed by the log's status names (LogStatus); a status this page does not know yet is left out of the chart.
const GROUP: Record<string, HistoryStatus> = {
  sent: 'sent',
  queued: 'queued',
  // Tracked in local mode, accepted without a destination, or printed in preview: none of them left the machine.
  local: 'local',
  'local-only': 'local',
  preview: 'local',
  dropped: 'dropped',
};

/** Events counted by status. */
export type StatusCounts = Record<HistoryStatus, number>;

/** One calendar day of the history. */
export interface HistoryDay {
  /** `YYYY-MM-DD` in the history's time zone. */
  date: string;
  total: number;
  counts: StatusCounts;
}

/** The last days of the deployment's local log, for the settings page's chart and its summary. */
export interface LogHistory {
  /** Oldest first; every day is present, empty ones included. */
  days: HistoryDay[];
  /** Per event name over the whole period, most frequent first. */
  events: { event: string; total: number; counts: StatusCounts }[];
  totals: StatusCounts & { all: number };
  timeZone: string;
}

const emptyCounts = (): StatusCounts => ({ sent: 0, queued: 0, local: 0, dropped: 0 });
const DAY_MS = 24 * 60 * 60 * 1000;

/** `YYYY-MM-DD` of an instant in a time zone (en-CA formats dates that way). */
function dayKey(format: Intl.DateTimeFormat, time: number): string {
  return format.format(time);
}

/**
 * Buckets log entries (each with its newest status, as readLocalLog returns them) into the `days` calendar days
 * that end today in `timeZone` (default the server's). Entries outside those days, or with an unreadable time
 * or an unknown status, are left out.
 */
export function summarizeLog(
  entries: readonly LogEntry[],
  options: { now?: () => number; days?: number; timeZone?: string } = {},
): LogHistory {
  const now = (options.now ?? Date.now)();
  const count = options.days ?? 14;
  const timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  // Days are counted back on the calendar from today's date, so that a day of 23 or 25 hours is still one day.
  const [year, month, day] = dayKey(format, now).split('-').map(Number) as [number, number, number];
  const days: HistoryDay[] = [];
  const byDate = new Map<string, HistoryDay>();
  for (let back = count - 1; back >= 0; back -= 1) {
    const date = new Date(Date.UTC(year, month - 1, day - back)).toISOString().slice(0, 10);
    const entry = { date, total: 0, counts: emptyCounts() };
    days.push(entry);
    byDate.set(date, entry);
  }
  const events = new Map<string, { event: string; total: number; counts: StatusCounts }>();
  const totals = { ...emptyCounts(), all: 0 };
  // A little slack past "now" for clocks of other processes that run slightly ahead.
  const latest = now + DAY_MS;
  for (const entry of entries) {
    const status = GROUP[entry.status];
    const time = Date.parse(entry.time);
    if (!status || !Number.isFinite(time) || time > latest) continue;
    const bucket = byDate.get(dayKey(format, time));
    if (!bucket) continue;
    bucket.total += 1;
    bucket.counts[status] += 1;
    const perEvent = events.get(entry.event) ?? { event: entry.event, total: 0, counts: emptyCounts() };
    perEvent.total += 1;
    perEvent.counts[status] += 1;
    events.set(entry.event, perEvent);
    totals[status] += 1;
    totals.all += 1;
  }
  return {
    days,
    events: [...events.values()].sort((a, b) => b.total - a.total || a.event.localeCompare(b.event)),
    totals,
    timeZone,
  };
}
