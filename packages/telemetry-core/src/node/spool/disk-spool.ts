import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
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

function parseLines(text: string): OutgoingEvent[] {
  const events: OutgoingEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const event = JSON.parse(line) as OutgoingEvent;
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

function readLines(path: string): OutgoingEvent[] {
  return parseLines(readText(path));
}

function writeLines(path: string, events: readonly OutgoingEvent[]): void {
  if (events.length === 0) rmSync(path, { force: true });
  else writeFileAtomic(path, `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
}

function addDropped(path: string, count: number): void {
  if (count === 0) return;
  const file = `${path}.dropped`;
  const previous = Number.parseInt(existsSync(file) ? readFileSync(file, 'utf8') : '0', 10) || 0;
  writeFileAtomic(file, String(previous + count));
}

/** A disk spool of events waiting to be sent: JSONL, locked across processes, bounded. */
export interface Spool {
  readonly path: string;
  append(events: readonly OutgoingEvent[]): void;
  read(): OutgoingEvent[];
  /** Removes delivered (or undeliverable) events by uuid, keeping any appended meanwhile. */
  remove(uuids: Iterable<string>): void;
  isEmpty(): boolean;
  /** How many events were dropped because the spool was full. */
  dropped(): number;
}

/** Opens the spool at `path` (nothing is created until something is appended). */
export function openSpool(path: string, limits: SpoolLimits = DEFAULT_SPOOL_LIMITS): Spool {
  return {
    path,
    append(events) {
      if (events.length === 0) return;
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
      withFileLockSync(path, () =>
        writeLines(
          path,
          readLines(path).filter((e) => !gone.has(e.uuid)),
        ),
      );
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
