import type { LocalLog, LogEntry } from '../../ports.js';
import { queuedAtMs, type Spool, type SpooledEvent } from './disk-spool.js';

/** How long a spooled event is retried before it is dropped: whichever bound is reached first. */
export interface RetryBounds {
  /** Delivery attempts after which the event is dropped. */
  maxAttempts: number;
  /** Age (since it was first queued) after which the event is dropped. */
  maxAgeMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * SPEC §6: explicit submissions (newsletter signup, deletion request) are retried for at most 7 days or 20
 * attempts, then dropped, so that a stuck one never starts a sender on every command forever.
 */
export const EXPLICIT_RETRY_BOUNDS: RetryBounds = { maxAttempts: 20, maxAgeMs: 7 * DAY_MS };

/** Why `event` is past `bounds` at `now` (the reason the local log records), or undefined while it may be tried. */
export function pastBoundsReason(event: SpooledEvent, bounds: RetryBounds, now: number): string | undefined {
  const attempts = event.attempts ?? 0;
  if (attempts >= bounds.maxAttempts) return `bound: not delivered after ${attempts} attempts`;
  // Lines written before `queuedAt` existed were queued when they were captured; an event with no time never expires.
  const queuedAt = queuedAtMs(event);
  if (queuedAt !== undefined && now - queuedAt >= bounds.maxAgeMs) {
    return `expired: not delivered within ${formatAge(bounds.maxAgeMs)} of being queued`;
  }
  return undefined;
}

function formatAge(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS} day${ms === DAY_MS ? '' : 's'}`;
  return `${Math.round(ms / 1000)} s`;
}

/**
 * Drops every spooled event past `bounds`: removed from the spool, counted in its `dropped()` and written to the
 * local log as `dropped` with the reason. Returns how many were dropped.
 */
export function dropPastBounds(options: {
  spool: Spool;
  bounds: RetryBounds;
  now: number;
  localLog?: LocalLog;
}): number {
  const time = new Date(options.now).toISOString();
  const entries: LogEntry[] = [];
  for (const event of options.spool.read()) {
    const reason = pastBoundsReason(event, options.bounds, options.now);
    if (reason) entries.push({ time, uuid: event.uuid, event: event.event, status: 'dropped', reason });
  }
  return discardLogged(options.spool, entries, options.localLog);
}

/**
 * Discards the events of `entries` (each a `dropped` log entry with its reason) from the spool, counting them in
 * its `dropped()`, and logs those this call removed. Returns how many it removed. Only what this call removed is
 * logged: an event sent meanwhile by a running sender was not dropped.
 */
export function discardLogged(spool: Spool, entries: readonly LogEntry[], localLog?: LocalLog): number {
  if (entries.length === 0) return 0;
  const removed = new Set(spool.discard(entries.map((entry) => entry.uuid)));
  const dropped = entries.filter((entry) => removed.has(entry.uuid));
  localLog?.record(dropped);
  return dropped.length;
}
