import { mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LocalLog, LocalLogStatus, LogEntry } from '../ports.js';
import { appendText } from './fs-atomic.js';
import { withFileLockSync } from './lock.js';

/** SPEC §7: the transparency log is bounded; one rotated generation (`<file>.1`) is kept. */
export const DEFAULT_LOG_MAX_BYTES = 256 * 1024;

/** Options of a local log; the defaults suit every surface. */
export interface LocalLogOptions {
  /** How long a write waits for another process's lock before it gives up (and is counted as failed). */
  lockTimeoutMs?: number;
  /**
   * Entries are written only by `flush()`, never by a timer: for a process that records once and flushes before
   * it exits (a CLI run), which then starts no timer at all.
   */
  writeOnFlushOnly?: boolean;
}

/**
 * A JSONL transparency log of every event sent or that would have been, rotated at `maxBytes`. Writing never
 * throws, from its timer or from `flush()`: a failed write drops its entries and is counted in `status()`.
 */
export function createLocalLog(
  path: string,
  maxBytes = DEFAULT_LOG_MAX_BYTES,
  options: LocalLogOptions = {},
): LocalLog {
  // Recording only keeps references; lines are formatted and written off the hot path, in batches. A burst
  // larger than the log can hold is trimmed to its newest entries before formatting, since the rotation would
  // discard the rest anyway.
  let buffer: LogEntry[] = [];
  let scheduled: ReturnType<typeof setTimeout> | undefined;
  const health: LocalLogStatus = { failedWrites: 0, droppedEntries: 0 };
  const write = () => {
    if (scheduled) clearTimeout(scheduled);
    scheduled = undefined;
    if (buffer.length === 0) return;
    const entries = buffer;
    // Taken out before writing: entries that fail are dropped, never retried by every later write.
    buffer = [];
    const lines: string[] = [];
    let bytes = 0;
    for (let i = entries.length - 1; i >= 0 && bytes < maxBytes; i -= 1) {
      const line = formatEntry(entries[i]);
      if (line === undefined) {
        health.droppedEntries += 1;
        continue;
      }
      lines.push(line);
      bytes += line.length + 1;
    }
    if (lines.length === 0) return;
    const text = `${lines.reverse().join('\n')}\n`;
    try {
      appendRotating(path, text, maxBytes, options.lockTimeoutMs);
      delete health.lastError;
    } catch (error) {
      // A read-only or full disk, a parent that is a file, a lock held too long: the process carries on.
      health.failedWrites += 1;
      health.droppedEntries += lines.length;
      health.lastError = describeError(error);
    }
  };
  return {
    record(entries) {
      for (const entry of entries) buffer.push(entry);
      // Trimmed in large steps so that a long burst costs O(1) per entry.
      if (buffer.length > 2 * MAX_BUFFERED) buffer = buffer.slice(-MAX_BUFFERED);
      if (!scheduled && !options.writeOnFlushOnly) {
        scheduled = setTimeout(write, WRITE_DELAY_MS);
        scheduled.unref?.();
      }
    },
    flush: write,
    status: () => ({ ...health }),
  };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

// Appends are one O_APPEND write each, which needs no lock: lines of several processes never mix. Only rotating does,
// so that two writers past the bound do not both rename (the second would replace the kept generation with a
// file of a few lines): the one that takes the lock second finds the file small again and appends. A write that
// lands in the file just renamed is kept there, in the rotated generation.
function appendRotating(path: string, text: string, maxBytes: number, lockTimeoutMs: number | undefined): void {
  const full = () => {
    const size = sizeOf(path);
    return size > 0 && size + text.length > maxBytes;
  };
  if (full()) {
    withFileLockSync(
      path,
      () => {
        if (full()) renameSync(path, `${path}.1`);
      },
      { timeoutMs: lockTimeoutMs },
    );
  }
  try {
    appendText(path, text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true });
    appendText(path, text);
  }
}

// One JSONL line, or undefined for an entry JSON cannot represent (a bigint, a cycle), which is dropped alone.
function formatEntry(entry: LogEntry | undefined): string | undefined {
  try {
    return JSON.stringify(entry);
  } catch {
    return undefined;
  }
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

// Writes happen at most this often. The buffer keeps about what the log itself keeps (two generations of
// ~1,000 entries): holding more would only retain objects, at a real cost in garbage collection, for lines
// that the rotation would discard anyway.
const WRITE_DELAY_MS = 200;
const MAX_BUFFERED = 2000;

function readEntries(path: string): LogEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const entries: LogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      entries.push(JSON.parse(line) as LogEntry);
    } catch {}
  }
  return entries;
}

/**
 * The latest `limit` events of the log, oldest first, each with its newest status (an event is logged
 * as queued, then as sent or dropped). The first properties seen for an event are kept.
 */
export function readLocalLog(path: string, limit = 20): LogEntry[] {
  const byUuid = new Map<string, LogEntry>();
  for (const entry of [...readEntries(`${path}.1`), ...readEntries(path)]) {
    const previous = byUuid.get(entry.uuid);
    byUuid.delete(entry.uuid);
    byUuid.set(entry.uuid, { ...previous, ...entry, properties: previous?.properties ?? entry.properties });
  }
  return [...byUuid.values()].slice(-limit);
}
