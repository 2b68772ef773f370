import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OutgoingEvent } from '../../envelope.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { withFileLockSync } from '../lock.js';

/** Caps that keep the spool small whatever happens to the network. */
export interface SpoolLimits {
  maxEvents: number;
  maxBytes: number;
}

/** SPEC §7: at most 1,000 events and 1 MB; the oldest are dropped and counted. */
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

function readLines(path: string): SpooledEvent[] {
  const events = parseLines(readText(path));
  const delivered = existsSync(ledgerPath(path)) ? readUuids(ledgerPath(path)) : undefined;
  return delivered ? events.filter((e) => !delivered.has(e.uuid)) : events;
}

function writeLines(path: string, events: readonly SpooledEvent[]): void {
  if (events.length === 0) rmSync(path, { force: true });
  else writeFileAtomic(path, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
}

function addDropped(path: string, count: number): void {
  if (count === 0) return;
  const file = `${path}.dropped`;
  const previous = Number.parseInt(existsSync(file) ? readFileSync(file, 'utf8') : '0', 10) || 0;
  writeFileAtomic(file, String(previous + count));
}

// Removes `gone` and whatever the delivered ledger lists, then deletes the ledger. The ledger is moved aside first,
// so that a uuid another process appends meanwhile lands in a new ledger instead of being deleted unapplied.
function rewriteWithout(path: string, gone: Set<string>): void {
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
  try {
    writeLines(
      path,
      parseLines(readText(path)).filter((e) => !gone.has(e.uuid)),
    );
  } catch (error) {
    if (moved) appendFileSync(ledger, readText(applying));
    throw error;
  } finally {
    if (moved) rmSync(applying, { force: true });
  }
}

/** A disk spool of events waiting to be sent: JSONL, locked across processes, bounded. */
export interface Spool {
  readonly path: string;
  /** Appends events, stamping each with the time it was queued (unless it already carries one). */
  append(events: readonly OutgoingEvent[]): void;
  read(): SpooledEvent[];
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
  return {
    path,
    append(added) {
      if (added.length === 0) return;
      const queuedAt = new Date(now()).toISOString();
      const events: SpooledEvent[] = added.map((e: SpooledEvent) => (e.queuedAt ? e : { ...e, queuedAt }));
      const text = events.map((e) => `${JSON.stringify(e)}\n`).join('');
      withFileLockSync(path, () => {
        const raw = readText(path);
        const existing = parseLines(raw);
        // The common case is one plain append; the file is rewritten only when a bound is crossed. A line torn
        // by a crash is closed first, so that it cannot swallow the next event.
        const separator = raw.length > 0 && !raw.endsWith('\n') ? '\n' : '';
        const fits = Buffer.byteLength(raw) + Buffer.byteLength(separator + text) <= limits.maxBytes;
        if (existing.length + events.length <= limits.maxEvents && fits) {
          mkdirSync(dirname(path), { recursive: true });
          appendFileSync(path, separator + text, { mode: 0o600 });
          return;
        }
        const all = [...existing, ...events];
        let start = Math.max(0, all.length - limits.maxEvents);
        let bytes = all.slice(start).reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)) + 1, 0);
        while (bytes > limits.maxBytes && start < all.length) {
          bytes -= Buffer.byteLength(JSON.stringify(all[start])) + 1;
          start += 1;
        }
        writeLines(path, all.slice(start));
        addDropped(path, start);
      });
    },
    read: () => readLines(path),
    remove(uuids) {
      const gone = new Set(uuids);
      if (gone.size === 0) return;
      try {
        withFileLockSync(path, () => rewriteWithout(path, gone), { timeoutMs: options.lockTimeoutMs });
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
      return withFileLockSync(path, () => {
        const events = readLines(path);
        rmSync(path, { force: true });
        rmSync(ledgerPath(path), { force: true });
        return events;
      });
    },
    discard(uuids) {
      const gone = new Set(uuids);
      if (gone.size === 0) return [];
      return withFileLockSync(path, () => {
        const before = readLines(path);
        const kept = before.filter((e) => !gone.has(e.uuid));
        const removed = before.filter((e) => gone.has(e.uuid)).map((e) => e.uuid);
        if (removed.length > 0) {
          writeLines(path, kept);
          addDropped(path, removed.length);
        }
        return removed;
      });
    },
    recordAttempt(uuids) {
      const tried = new Set(uuids);
      if (tried.size === 0) return;
      withFileLockSync(path, () => {
        const events = readLines(path);
        if (!events.some((e) => tried.has(e.uuid))) return;
        writeLines(
          path,
          events.map((e) => (tried.has(e.uuid) ? { ...e, attempts: (e.attempts ?? 0) + 1 } : e)),
        );
      });
    },
    isEmpty() {
      try {
        return statSync(path).size === 0;
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
