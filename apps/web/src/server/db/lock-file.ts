import { dirname } from 'node:path';
import { type PidLock, takePidLock } from '@elmo/telemetry-core/node';

/** Thrown when another live process holds the lock. */
export class LockHeldError extends Error {
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(`another Elmo web server (pid ${pid}) is using ${dirname(path)}; stop it first (lock file ${path})`);
    this.name = 'LockHeldError';
  }
}

/** A held lock; release() is idempotent and only removes a file that is still ours. */
export type FileLock = PidLock;

/**
 * Takes the lock file at `path` for process `pid`. PGlite has no cross-process locking, and two servers on one
 * data folder silently diverge, so a lock held by a live process is an error; a stale one is replaced. Both the
 * creation and the takeover are race-free among servers starting at once (takePidLock): exactly one wins.
 */
export function acquireLock(path: string, pid: number = process.pid): FileLock {
  const result = takePidLock(path, pid);
  if (result.owner !== undefined) throw new LockHeldError(path, result.owner);
  return result.lock;
}
