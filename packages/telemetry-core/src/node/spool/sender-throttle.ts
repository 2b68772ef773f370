import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../fs-atomic.js';
import type { Spool } from './disk-spool.js';

// SPEC §7 lets a CLI start its detached sender less often than every run, so that an everyday command does not pay
// for a process start: one is started when none started for a while, when a batch is waiting, or when an event has
// waited that long. "Waiting" means no sender has tried it yet: the sender records when it last read the spool to
// send it (`spoolTriedFile`), so that events kept after a failed attempt (an endpoint that is down) do not start a
// sender on every run; they are tried again when none started for a while. Explicit submissions are never
// throttled (SPEC §6).

/** When a run may start the detached sender for a spool that has events. */
export interface SenderThrottle {
  /** Start one when none started within this long (SPEC §7: 60 s); 0 starts one on every run. */
  intervalMs: number;
  /** Start one at once when the spool holds this many events (SPEC §7: 20). */
  batchEvents: number;
  /** Holds the time (ms since the epoch) the last sender was started; missing or unreadable means never. */
  stampFile: string;
}

/** SPEC §7's example values: a sender at most once a minute, unless 20 events wait. */
export const DEFAULT_SENDER_INTERVAL_MS = 60_000;
export const DEFAULT_SENDER_BATCH_EVENTS = 20;

/** What the decision looks at. */
export interface SenderDueInput {
  /** When each event in the spool now was queued (`Spool.queuedTimes()`; undefined: unknown). */
  queuedTimes: readonly (number | undefined)[];
  /** When the last sender was started, if known. */
  lastStartAt: number | undefined;
  /** When a sender last began a delivery pass over this spool, if known: every event queued before was tried. */
  triedAt?: number;
  now: number;
  intervalMs: number;
  batchEvents: number;
}

// A tried time in the future (the clock was set back) proves nothing: every event then counts as untried.
function provenTriedAt(triedAt: number | undefined, now: number): number | undefined {
  return triedAt !== undefined && triedAt <= now ? triedAt : undefined;
}

/**
 * Whether a sender is due for this spool: it holds events and (a) no sender started in the last `intervalMs` (a
 * start recorded in the future, after the clock was set back, counts as none), or (b) `batchEvents` or more events
 * no sender has tried yet wait, or (c) one of those was queued `intervalMs` ago or more. So no event waits untried
 * longer than until the first run `intervalMs` after it was recorded; one that was tried and kept (the endpoint
 * failed) is tried again by the first run `intervalMs` after the last start.
 */
export function isSenderDue(input: SenderDueInput): boolean {
  const { queuedTimes, lastStartAt, now, intervalMs, triedAt } = input;
  if (queuedTimes.length === 0) return false;
  if (intervalMs <= 0) return true;
  if (lastStartAt === undefined || lastStartAt > now || now - lastStartAt >= intervalMs) return true;
  const tried = provenTriedAt(triedAt, now);
  const untried = queuedTimes.filter((at) => at === undefined || tried === undefined || at >= tried);
  if (untried.length >= input.batchEvents) return true;
  return untried.some((at) => at === undefined || now - at >= intervalMs);
}

/**
 * Whether a sender is due for `spool` under `throttle` at `now` (`isSenderDue`, from the spool's queued times, the
 * last start and the sender's last pass). A run can ask it before it loads or builds anything that a start needs.
 *
 * Only the newest events are looked at, so that a run's cost does not grow with the spool: at most `batchEvents`,
 * and back to the first one the last pass tried. Events are in the order they were queued (appends add at the end,
 * rewrites keep the order), so those no sender tried yet are the newest: either all of the newest `batchEvents` are
 * untried (a batch waits), or every untried one is among them. (Two runs appending in the same millisecond may land
 * the other way round; even an event misplaced further back is still tried by the first run `intervalMs` after the
 * last start.)
 */
export function isSpoolSenderDue(spool: Pick<Spool, 'path' | 'queuedTimes'>, throttle: SenderThrottle, now: number) {
  const triedAt = readSenderStamp(spoolTriedFile(spool.path));
  return isSenderDue({
    queuedTimes: spool.queuedTimes(Math.max(1, throttle.batchEvents), provenTriedAt(triedAt, now)),
    lastStartAt: readSenderStamp(throttle.stampFile),
    triedAt,
    now,
    intervalMs: throttle.intervalMs,
    batchEvents: throttle.batchEvents,
  });
}

/** Where the detached sender records when it last began a delivery pass over the spool at `spoolPath`. */
export function spoolTriedFile(spoolPath: string): string {
  return `${spoolPath}.tried`;
}

/** The time recorded in `stampFile` (a start, or a pass); undefined when it is missing or holds no time. */
export function readSenderStamp(stampFile: string): number | undefined {
  try {
    const at = Number(readFileSync(stampFile, 'utf8').trim());
    return Number.isSafeInteger(at) && at > 0 ? at : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records a sender start (temp file + rename: two runs starting at once both write a recent time, the last one
 * stays). A failed write is ignored: the next run then starts a sender again, which is only less thrifty.
 */
export function writeSenderStamp(stampFile: string, at: number): void {
  try {
    writeFileAtomic(stampFile, `${at}\n`);
  } catch {}
}
