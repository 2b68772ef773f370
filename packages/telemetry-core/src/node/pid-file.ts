import { closeSync, linkSync, openSync, readFileSync, writeSync } from 'node:fs';
import { removeFile, tempPathBeside, writeFileAtomic } from './fs-atomic.js';
import { isProcessAlive } from './process-alive.js';

// The one reader and writer of pid files (the CLI's `elmo.pid`, the web server's database lock, the telemetry
// sender's slot, lock files): the pid on the first line, optionally a port on the second.

/** What a pid file says: its process id and, when one was written, the port that process serves. */
export interface PidRecord {
  pid: number;
  port?: number;
}

const positiveInt = (line: string | undefined, max = Number.MAX_SAFE_INTEGER): number | undefined => {
  const n = Number.parseInt(line?.trim() ?? '', 10);
  return Number.isInteger(n) && n > 0 && n <= max ? n : undefined;
};

/** The pid (and port) a pid file records; undefined when it is missing, unreadable or holds no pid. */
export function readPidFile(path: string): PidRecord | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const [pidLine, portLine] = text.split('\n');
  const pid = positiveInt(pidLine);
  if (pid === undefined) return undefined;
  const port = positiveInt(portLine, 65_535);
  return port === undefined ? { pid } : { pid, port };
}

/** The pid a pid file records if that process is still alive; undefined for a missing or stale file. */
export function readLivePid(path: string): number | undefined {
  const pid = readPidFile(path)?.pid;
  return pid !== undefined && isProcessAlive(pid) ? pid : undefined;
}

const format = (record: PidRecord) =>
  record.port === undefined ? `${record.pid}\n` : `${record.pid}\n${record.port}\n`;

/** Writes a pid file atomically (temp file + rename), replacing any previous one; readable by all, like any pid file. */
export function writePidFile(path: string, record: PidRecord = { pid: process.pid }): void {
  writeFileAtomic(path, format(record), 0o644);
}

/**
 * Creates a pid file only if none exists; false when one is already there. The record is written whole to a temp
 * file beside it and hard-linked into place: link() fails with EEXIST just as O_EXCL does, but the name only ever
 * appears with its content, so a reader finds no file or the whole record, never an empty one.
 */
export function createPidFile(path: string, record: PidRecord = { pid: process.pid }): boolean {
  const temp = tempPathBeside(path);
  const fd = openSync(temp, 'wx', 0o644);
  try {
    try {
      writeSync(fd, format(record));
    } finally {
      closeSync(fd);
    }
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    removeFile(temp);
  }
}

/** Removes a pid file if it still records `pid` (by default this process); true when it did. */
export function removePidFile(path: string, pid: number = process.pid): boolean {
  if (readPidFile(path)?.pid !== pid) return false;
  removeFile(path);
  return true;
}
