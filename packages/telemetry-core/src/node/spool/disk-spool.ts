import {
  appendFileSync,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { OutgoingEvent } from '../../envelope.js';
import { removeFile, writeAll, writeFileAtomic } from '../fs-atomic.js';
import { withFileLockSync } from '../lock.js';

/** Caps that keep the spool small whatever happens to the network. */
export interface SpoolLimits {
  maxEvents: number;
  maxBytes: number;
}

/** SPEC §7: at most 1,000 events and 1 MB; the oldest are dropped and counted (to nine tenths of a bound crossed). */
export const DEFAULT_SPOOL_LIMITS: SpoolLimits = { maxEvents: 1000, maxBytes: 1024 * 1024 };

/**
 * One spool line: the event as it will be sent, plus what the spool keeps about its delivery. Both fields are
 * optional so that lines written before they existed still read (a missing `queuedAt` falls back to the event's
 * own timestamp, a missing `attempts` to 0); they never leave the machine.
 */
export interface SpooledEvent extends OutgoingEvent {
  /** ISO 8601 time the event first entered the spool. */
  queuedAt?: string;
  /** Delivery attempts made so far (counted only by passes that enforce retry bounds). */
  attempts?: number;
}

/** The event without the spool's bookkeeping, as a sender gets it. */
export function outgoingOf(event: SpooledEvent): OutgoingEvent {
  return {
    uuid: event.uuid,
    event: event.event,
    distinctId: event.distinctId,
    timestamp: event.timestamp,
    properties: event.properties,
  };
}

function parseLines(text: string): SpooledEvent[] {
  const events: SpooledEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const event = JSON.parse(line) as SpooledEvent;
      if (event && typeof event.uuid === 'string' && typeof event.event === 'string') events.push(event);
    } catch {
      // A torn or foreign line is skipped rather than blocking every later event.
    }
  }
  return events;
}

/** When `event` entered the spool (ms since the epoch); lines written before `queuedAt` existed count from their own
 * timestamp. Undefined when neither is a time. */
export function queuedAtMs(event: SpooledEvent): number | undefined {
  const at = Date.parse(event.queuedAt ?? event.timestamp);
  return Number.isFinite(at) ? at : undefined;
}

// Every line this spool writes starts with its `queuedAt` (append puts it first, and rewrites keep the order), so the
// sender throttle, asked by every CLI run, learns when each event was queued without parsing the rest of the line:
// parsing the whole spool took 2.7 ms at 100 events and 6.6 ms at 1,000 here (a spool grows while the endpoint is
// down). Any other line (written before, or by hand) is parsed.
const QUEUED_AT_PREFIX = '{"queuedAt":"';
// `new Date().toISOString()`: YYYY-MM-DDTHH:mm:ss.sssZ.
const ISO_TIME_LENGTH = 24;
const QUOTE = 34;
// A spool up to this size is read whole (in one call, Node's quickest read of a small UTF-8 file); a bigger one,
// piece by piece from its end. ~30 events of a CLI run fit in it.
const TAIL_BYTES = 16 * 1024;

/** The queued time of each event on the line `[start, end)` of `text` (none, or one). */
function lineQueuedTimes(text: string, start: number, end: number): (number | undefined)[] {
  const timeStart = start + QUEUED_AT_PREFIX.length;
  const timeEnd = timeStart + ISO_TIME_LENGTH;
  if (timeEnd < end && text.startsWith(QUEUED_AT_PREFIX, start) && text.charCodeAt(timeEnd) === QUOTE) {
    const at = Date.parse(text.slice(timeStart, timeEnd));
    return [Number.isFinite(at) ? at : undefined];
  }
  return parseLines(text.slice(start, end)).map(queuedAtMs);
}

/** Which queued times the throttle asks for: the newest `count`, back to the first one queued before `since`. */
interface NewestQuery {
  count: number;
  since: number | undefined;
}

/**
 * The queued times the query asks for among the lines of `text` from `floor` on, oldest first, and whether they are
 * all there (`complete`: `count` found, or one queued before `since`) rather than cut off by `floor`.
 */
function newestIn(text: string, floor: number, query: NewestQuery) {
  const newestFirst: (number | undefined)[] = [];
  let complete = query.count <= 0;
  for (let end = text.length; end > floor && !complete; ) {
    const newline = text.lastIndexOf('\n', end - 1);
    for (const at of end > newline + 1 ? lineQueuedTimes(text, newline + 1, end) : []) {
      newestFirst.push(at);
      complete =
        newestFirst.length >= query.count || (query.since !== undefined && at !== undefined && at < query.since);
    }
    end = newline;
  }
  return { times: newestFirst.reverse(), complete };
}

// The throttle's queued times, read from the end of the file: a run's cost does not grow with the spool (one that an
// outage filled to 1,000 events is read only as far back as its newest events).
function newestQueuedTimes(path: string, query: NewestQuery): (number | undefined)[] {
  let size = 0;
  try {
    size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    // Unreadable: answered as empty, like a missing spool.
  }
  if (size <= TAIL_BYTES) return newestIn(readText(path), 0, query).times;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    for (let want = TAIL_BYTES; ; want *= 4) {
      const from = Math.max(0, size - want);
      // Newlines are single bytes in UTF-8: a character cut at the piece's start only spoils the line it begins in.
      // (UTF-8, the default: toString() without arguments skips a lookup whose first run costs a short process ~0.05 ms.)
      const text = readRange(fd, from, size).toString();
      // A piece that does not start the file starts within a line: that line is read whole with the next piece.
      const floor = from === 0 ? 0 : text.indexOf('\n') + 1;
      if (floor === 0 && from > 0) continue;
      const { times, complete } = newestIn(text, floor, query);
      if (complete || from === 0) return times;
    }
  } finally {
    closeSync(fd);
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

// The delivered ledger (`<spool>.delivered`): uuids of events that were sent but could not be removed from the
// spool at once (its lock was busy, or the rewrite failed). Readers skip them, so a failed removal never turns
// into a resend; the next removal that holds the lock applies the ledger and deletes it.
function ledgerPath(path: string): string {
  return `${path}.delivered`;
}

function readUuids(file: string): Set<string> {
  return new Set(readText(file).split('\n').filter(Boolean));
}

// Events the delivered ledger does not list.
function withoutLedger(path: string, events: SpooledEvent[]): SpooledEvent[] {
  const delivered = existsSync(ledgerPath(path)) ? readUuids(ledgerPath(path)) : undefined;
  return delivered ? events.filter((e) => !delivered.has(e.uuid)) : events;
}

function readLines(path: string): SpooledEvent[] {
  return withoutLedger(path, parseLines(readText(path)));
}

function writeLines(path: string, events: readonly SpooledEvent[]): void {
  if (events.length === 0) removeFile(path);
  else writeFileAtomic(path, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
}

function addDropped(path: string, count: number): void {
  if (count === 0) return;
  const file = `${path}.dropped`;
  const previous = Number.parseInt(existsSync(file) ? readFileSync(file, 'utf8') : '0', 10) || 0;
  writeFileAtomic(file, String(previous + count));
}

// Removes `gone` and whatever the delivered ledger lists, then deletes the ledger: the events of `text` to keep. The
// ledger is moved aside first, so that a uuid another process appends meanwhile lands in a new ledger instead of being
// deleted unapplied; `done(false)` puts it back when the rewrite failed.
function withoutDelivered(
  path: string,
  text: string,
  gone: Set<string>,
): { events: SpooledEvent[]; done(ok: boolean): void } {
  const ledger = ledgerPath(path);
  const applying = `${ledger}.${process.pid}`;
  let moved = false;
  try {
    renameSync(ledger, applying);
    moved = true;
  } catch {
    // No ledger: nothing more to apply.
  }
  if (moved) for (const uuid of readUuids(applying)) gone.add(uuid);
  return {
    events: parseLines(text).filter((e) => !gone.has(e.uuid)),
    done(ok) {
      if (!moved) return;
      if (!ok) appendFileSync(ledger, readText(applying));
      removeFile(applying);
    },
  };
}

// Appending needs no lock (every CLI run appends once, and a lock costs it a millisecond): one O_APPEND write of
// whole lines, which lines of other processes never split. What needs care is a rewrite (removal, a bound, a retry
// count), which replaces the file under the lock while an appender may be writing to the file it replaces. So:
// - a rewrite holds the file it read open. It parses only whole lines (a line still being written is left for
//   later), and after its rename copies everything past them (the tail: what was appended meanwhile) into the new
//   file. Then it writes a marker `{"carried":N}` into the old file: every byte before N reached the new file.
// - an appender checks after its write that the file it wrote to is still the spool. If it was replaced, it takes
//   the lock (so that the rewrite has finished) and reads the marker in the file it wrote to: an event whose line
//   ends before N was carried (it may even be sent already) and is never added again; any other is appended again.
// The bounds are checked before an unlocked append (a spool at or near them takes the locked path, which trims),
// and again under the lock when another process appended at the same moment.

const CARRIED = /^\{"carried":(\d+)\}$/;

/** The bytes of the open file `fd` from `from` to `to` (fewer if it ends before). */
function readRange(fd: number, from: number, to: number): Buffer {
  const buffer = Buffer.alloc(to - from);
  let read = 0;
  while (read < buffer.length) {
    const n = readSync(fd, buffer, read, buffer.length - read, from + read);
    if (n === 0) break;
    read += n;
  }
  return buffer.subarray(0, read);
}

function readAll(fd: number): Buffer {
  return readRange(fd, 0, fstatSync(fd).size);
}

function openCreating(path: string): number {
  try {
    return openSync(path, 'a+', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, 'a+', 0o600);
  }
}

function openExisting(path: string): number | undefined {
  try {
    // 'a+' without O_CREAT: a missing spool stays missing.
    return openSync(path, constants.O_RDWR | constants.O_APPEND);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function sameFile(fd: number, path: string): boolean {
  try {
    const current = statSync(path);
    const held = fstatSync(fd);
    return current.ino === held.ino && current.dev === held.dev;
  } catch {
    return false;
  }
}

/** Lines of `text` that may hold an event: an upper bound on its events, for the bounds check. */
function countLines(text: Buffer): number {
  let lines = 0;
  let start = 0;
  for (let end = text.indexOf(10); end !== -1; end = text.indexOf(10, start)) {
    if (end > start) lines += 1;
    start = end + 1;
  }
  return start < text.length ? lines + 1 : lines;
}

/**
 * Under the lock: rewrites the spool with the events `change` keeps of its text (no `events`: leave the file as it
 * is), carrying over what was appended meanwhile (see above); `done` learns whether the rewrite happened. A missing
 * spool is created only when there is something to write.
 */
function rewrite<T>(
  path: string,
  change: (text: string) => { events?: SpooledEvent[]; result: T; done?(ok: boolean): void },
): T {
  let fd = openExisting(path);
  if (fd === undefined) {
    const empty = change('');
    if (!empty.events?.length) {
      empty.done?.(true);
      return empty.result;
    }
    empty.done?.(false);
    fd = openCreating(path);
  }
  try {
    const before = readAll(fd);
    const whole = before.lastIndexOf(10) + 1;
    const outcome = change(before.subarray(0, whole).toString('utf8'));
    if (!outcome.events) {
      outcome.done?.(true);
      return outcome.result;
    }
    try {
      writeLines(path, outcome.events);
    } catch (error) {
      outcome.done?.(false);
      throw error;
    }
    outcome.done?.(true);
    // A partial last line that nothing followed is one a crash tore: left behind rather than carried forever.
    const tail = readAll(fd).subarray(whole);
    const carried = tail.length > before.length - whole ? tail : Buffer.alloc(0);
    if (carried.length > 0) {
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, carried, { mode: 0o600 });
    }
    writeAll(fd, Buffer.from(`\n{"carried":${whole + carried.length}}\n`));
    return outcome.result;
  } finally {
    closeSync(fd);
  }
}

/** Under the lock: appends, dropping the oldest events (and counting them) when a bound would be crossed. */
function appendLocked(path: string, events: readonly SpooledEvent[], limits: SpoolLimits): void {
  const text = events.map((e) => `${JSON.stringify(e)}\n`).join('');
  const raw = readText(path);
  const existing = parseLines(raw);
  // A line torn by a crash is closed first, so that it cannot swallow the next event.
  const separator = raw.length > 0 && !raw.endsWith('\n') ? '\n' : '';
  const fits = Buffer.byteLength(raw) + Buffer.byteLength(separator + text) <= limits.maxBytes;
  if (existing.length + events.length <= limits.maxEvents && fits) {
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, separator + text, { mode: 0o600 });
    return;
  }
  rewrite(path, (current) => {
    const all = [...parseLines(current), ...events];
    const start = firstKept(all, limits);
    return { events: all.slice(start), result: undefined, done: (ok) => ok && addDropped(path, start) };
  });
}

/** Under the lock: trims the spool to its bounds when appends made at the same moment crossed them. */
function enforceBounds(path: string, limits: SpoolLimits): void {
  rewrite(path, (text) => {
    const all = parseLines(text);
    const start = firstKept(all, limits);
    if (start === 0) return { result: undefined };
    return { events: all.slice(start), result: undefined, done: (ok) => ok && addDropped(path, start) };
  });
}

// Once a bound is crossed, the spool is trimmed to nine tenths of it, not just under it. A spool that stays full (an
// endpoint blocked for good) would otherwise be rewritten, under the lock and with an fsync, by every append that
// follows: ~40 ms of every CLI run at 1,000 events here. Now one append in a hundred or so pays it.
const TRIM_TO = 0.9;

/**
 * The index of the oldest event kept: 0 while every event fits both bounds, else the newest that fit nine tenths of
 * each (at least the newest event, if it fits the bounds alone).
 */
function firstKept(all: readonly SpooledEvent[], limits: SpoolLimits): number {
  const sizes = all.map((e) => Buffer.byteLength(JSON.stringify(e)) + 1);
  let bytes = sizes.reduce((sum, size) => sum + size, 0);
  if (all.length <= limits.maxEvents && bytes <= limits.maxBytes) return 0;
  const maxEvents = Math.floor(limits.maxEvents * TRIM_TO);
  const maxBytes = Math.floor(limits.maxBytes * TRIM_TO);
  let start = Math.max(0, all.length - maxEvents);
  for (let i = 0; i < start; i += 1) bytes -= sizes[i] as number;
  while (bytes > maxBytes && start < all.length) {
    bytes -= sizes[start] as number;
    start += 1;
  }
  const newest = all.length - 1;
  if (start > newest && newest >= 0 && limits.maxEvents >= 1 && (sizes[newest] as number) <= limits.maxBytes) {
    return newest;
  }
  return start;
}

/** Where the marker of a replaced spool file says its carried bytes end; -1 when it has none (yet). */
function carriedUpTo(file: Buffer): number {
  let end = -1;
  for (const line of file.toString('utf8').split('\n')) {
    const match = CARRIED.exec(line);
    if (match) end = Number(match[1]);
  }
  return end;
}

/**
 * Appends `lines` (one per event of `events`) without the lock; false when the spool is at or near a bound (the
 * caller then appends under the lock, which trims). See above for what happens when a rewrite replaced the file.
 */
function appendUnlocked(
  path: string,
  events: readonly SpooledEvent[],
  lines: readonly string[],
  limits: SpoolLimits,
): boolean {
  const fd = openCreating(path);
  try {
    const existing = readAll(fd);
    // A line torn by a crash is closed first, so that it cannot swallow the next event.
    const separator = existing.length > 0 && existing[existing.length - 1] !== 10 ? '\n' : '';
    const data = Buffer.from(separator + lines.join(''));
    if (countLines(existing) + events.length > limits.maxEvents || existing.length + data.length > limits.maxBytes) {
      return false;
    }
    writeAll(fd, data);
    if (sameFile(fd, path)) {
      if (fstatSync(fd).size > existing.length + data.length) {
        withFileLockSync(path, () => enforceBounds(path, limits));
      }
      return true;
    }
    withFileLockSync(path, () => {
      const written = readAll(fd);
      const end = carriedUpTo(written);
      const present = new Set(parseLines(readText(path)).map((e) => e.uuid));
      const again = events.filter((e, i) => {
        const line = Buffer.from(lines[i] as string);
        const at = written.indexOf(line, existing.length);
        return !(at !== -1 && at + line.length <= end) && !present.has(e.uuid);
      });
      if (again.length > 0) appendLocked(path, again, limits);
    });
    return true;
  } finally {
    closeSync(fd);
  }
}

/** A disk spool of events waiting to be sent: JSONL, locked across processes, bounded. */
export interface Spool {
  readonly path: string;
  /** Appends events, stamping each with the time it was queued (unless it already carries one). */
  append(events: readonly OutgoingEvent[]): void;
  read(): SpooledEvent[];
  /**
   * When the newest events were queued, oldest first (undefined: unknown), for the sender throttle, read from the
   * end of the file without parsing whole lines: every event, or only the newest `newest`, and only back to the
   * first one queued before `since` (that one included, so that a spool with events never answers none). Unlike
   * `read()`, it does not leave out events a delivered ledger lists, nor a torn last line that begins like an
   * event: with them a sender can only start a little early, never late.
   */
  queuedTimes(newest?: number, since?: number): (number | undefined)[];
  /**
   * Removes delivered (or undeliverable) events by uuid, keeping any appended meanwhile. When the spool cannot
   * be rewritten now, the uuids go to a delivered ledger that every reader honours (never a resend); throws only
   * when neither worked.
   */
  remove(uuids: Iterable<string>): void;
  /** Takes every event out of the spool at once, for a process that will deliver them itself. */
  claim(): SpooledEvent[];
  /** Removes events that will never be delivered and counts them in `dropped()`; returns the uuids it removed. */
  discard(uuids: Iterable<string>): string[];
  /** Counts one more delivery attempt for each of these events (made before the attempt, so a crash counts). */
  recordAttempt(uuids: Iterable<string>): void;
  isEmpty(): boolean;
  /** How many events were dropped undelivered: the spool was full, or `discard` removed them. */
  dropped(): number;
}

/** Options of a spool. */
export interface SpoolOptions {
  /** The clock that stamps `queuedAt` (tests pass a fake one). */
  now?: () => number;
  /** How long a removal waits for the spool's lock before it records a delivered ledger instead (default 5 s). */
  lockTimeoutMs?: number;
}

/** Opens the spool at `path` (nothing is created until something is appended). */
export function openSpool(path: string, limits: SpoolLimits = DEFAULT_SPOOL_LIMITS, options: SpoolOptions = {}): Spool {
  const now = options.now ?? Date.now;
  const locked = <T>(fn: () => T, timeoutMs?: number): T => withFileLockSync(path, fn, { timeoutMs });
  return {
    path,
    append(added) {
      if (added.length === 0) return;
      const queuedAt = new Date(now()).toISOString();
      // `queuedAt` first: see lineQueuedTimes.
      const events: SpooledEvent[] = added.map((e: SpooledEvent) => (e.queuedAt ? e : { queuedAt, ...e }));
      const lines = events.map((e) => `${JSON.stringify(e)}\n`);
      if (appendUnlocked(path, events, lines, limits)) return;
      locked(() => appendLocked(path, events, limits));
    },
    read: () => readLines(path),
    queuedTimes: (newest = Number.POSITIVE_INFINITY, since?: number) =>
      newestQueuedTimes(path, { count: newest, since }),
    remove(uuids) {
      const gone = new Set(uuids);
      if (gone.size === 0) return;
      try {
        locked(
          () =>
            rewrite(path, (text) => {
              const kept = withoutDelivered(path, text, gone);
              return { events: kept.events, result: undefined, done: kept.done };
            }),
          options.lockTimeoutMs,
        );
      } catch (error) {
        try {
          mkdirSync(dirname(path), { recursive: true });
          appendFileSync(ledgerPath(path), `${[...gone].join('\n')}\n`, { mode: 0o600 });
        } catch {
          throw error;
        }
      }
    },
    claim() {
      return locked(() => {
        const claimed = rewrite(path, (text) => ({ events: [], result: withoutLedger(path, parseLines(text)) }));
        removeFile(ledgerPath(path));
        return claimed;
      });
    },
    discard(uuids) {
      const gone = new Set(uuids);
      if (gone.size === 0) return [];
      return locked(() =>
        rewrite(path, (text) => {
          const before = withoutLedger(path, parseLines(text));
          const removed = before.filter((e) => gone.has(e.uuid)).map((e) => e.uuid);
          if (removed.length === 0) return { result: removed };
          return {
            events: before.filter((e) => !gone.has(e.uuid)),
            result: removed,
            done: (ok) => ok && addDropped(path, removed.length),
          };
        }),
      );
    },
    recordAttempt(uuids) {
      const tried = new Set(uuids);
      if (tried.size === 0) return;
      locked(() =>
        rewrite(path, (text) => {
          const events = withoutLedger(path, parseLines(text));
          if (!events.some((e) => tried.has(e.uuid))) return { result: undefined };
          return {
            events: events.map((e) => (tried.has(e.uuid) ? { ...e, attempts: (e.attempts ?? 0) + 1 } : e)),
            result: undefined,
          };
        }),
      );
    },
    isEmpty() {
      try {
        // A missing spool (the usual case of the explicit one) is answered without an exception to build.
        return (statSync(path, { throwIfNoEntry: false })?.size ?? 0) === 0;
      } catch {
        return true;
      }
    },
    dropped() {
      try {
        return Number.parseInt(readFileSync(`${path}.dropped`, 'utf8'), 10) || 0;
      } catch {
        return 0;
      }
    },
  };
}
