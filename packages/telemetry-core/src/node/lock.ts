import { closeSync, mkdirSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { readPidFile } from './pid-file.js';
import { isProcessAlive } from './process-alive.js';

/** Raised when a lock could not be taken in time. */
export class LockTimeoutError extends Error {
  constructor(readonly lockPath: string) {
    super(`timed out waiting for the lock ${lockPath}`);
    this.name = 'LockTimeoutError';
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
// A synchronous sleep: the critical sections are a few milliseconds of local file I/O, and a synchronous
// lock lets the CLI persist state from an exit path where promises can no longer run.
const sleepSync = (ms: number) => Atomics.wait(sleeper, 0, 0, ms);

// A lock is stale when its owner is gone, or when it is older than any critical section could be.
function isStale(lockPath: string, staleMs: number): boolean {
  try {
    const pid = readPidFile(lockPath)?.pid;
    if (pid !== undefined && !isProcessAlive(pid)) return true;
    return Date.now() - statSync(lockPath).mtimeMs > staleMs;
  } catch {
    return false;
  }
}

/** Runs `fn` holding an exclusive lock file (`<path>.lock`) shared by every process on this machine. */
export function withFileLockSync<T>(
  path: string,
  fn: () => T,
  options: { timeoutMs?: number; staleMs?: number } = {},
): T {
  const lockPath = `${path}.lock`;
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  mkdirSync(dirname(lockPath), { recursive: true });
  let fd: number | undefined;
  for (let attempt = 0; fd === undefined; attempt += 1) {
    try {
      fd = openSync(lockPath, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (isStale(lockPath, options.staleMs ?? 10_000)) {
        try {
          unlinkSync(lockPath);
        } catch {}
        continue;
      }
      if (Date.now() > deadline) throw new LockTimeoutError(lockPath);
      sleepSync(Math.min(50, 2 + attempt * 2 + Math.random() * 5));
    }
  }
  try {
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return fn();
  } finally {
    try {
      unlinkSync(lockPath);
    } catch {}
  }
}
