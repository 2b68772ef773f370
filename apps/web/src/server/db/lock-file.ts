import { mkdirSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { createPidFile, isProcessAlive, readPidFile, removePidFile } from '@elmo/telemetry-core/node';

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
export interface FileLock {
  release(): void;
}

/**
 * Takes the lock file at `path` for process `pid`. PGlite has no cross-process locking, and two servers on one
 * data folder silently diverge, so a lock held by a live process is an error; a stale one is replaced.
 */
export function acquireLock(path: string, pid: number = process.pid): FileLock {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createPidFile(path, { pid })) {
      let held = true;
      return {
        release() {
          if (!held) return;
          held = false;
          removePidFile(path, pid);
        },
      };
    }
    const owner = readPidFile(path)?.pid;
    if (owner !== undefined && owner !== pid && isProcessAlive(owner)) throw new LockHeldError(path, owner);
    try {
      unlinkSync(path);
    } catch {
      // Someone else removed it first; try again.
    }
  }
  throw new Error(`could not take the lock file ${path}`);
}
