import { appendFileSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LocalLog, LogEntry } from '../ports.js';
import { withFileLockSync } from './lock.js';

/** SPEC §7: the transparency log is bounded; one rotated generation (`<file>.1`) is kept. */
export const DEFAULT_LOG_MAX_BYTES = 256 * 1024;

/** A JSONL transparency log of every event sent or that would have been, rotated at `maxBytes`. */
export function createLocalLog(path: string, maxBytes = DEFAULT_LOG_MAX_BYTES): LocalLog {
  // Entries are buffered and written in batches: one locked append per burst, not one per event, so that
  // logging never becomes the cost of tracking.
  let buffer: LogEntry[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const write = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return;
    const text = buffer.map((entry) => JSON.stringify(entry)).join('\n');
    buffer = [];
    withFileLockSync(path, () => {
      mkdirSync(dirname(path), { recursive: true });
      let size = 0;
      try {
        size = statSync(path).size;
      } catch {}
      if (size > 0 && size + text.length > maxBytes) renameSync(path, `${path}.1`);
      appendFileSync(path, `${text}\n`, { mode: 0o600 });
    });
  };
  return {
    record(entries) {
      buffer.push(...entries);
      if (buffer.length >= BUFFERED_ENTRIES) return write();
      if (!timer) {
        timer = setTimeout(write, 200);
        timer.unref?.();
      }
    },
    flush: write,
  };
}

const BUFFERED_ENTRIES = 256;

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
