import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { removeFile } from './fs-atomic.js';
import { createPidFile, readPidFile, removePidFile, writePidFile } from './pid-file.js';
import { isProcessAlive } from './process-alive.js';
import { sleepSync } from './sleep-sync.js';

// A lock file recording its holder's pid, held for a process's lifetime (the web server's database lock) or around
// a short critical section (lock.ts). Two races are ruled out, not just made unlikely:
//
// - Creation: createPidFile links a complete temp file into place, so the lock never exists empty; a reader sees
//   no file or a whole pid, and never takes a lock being written for a stale one.
// - Stale takeover: "read a dead pid, unlink, create" lets two takers both see the dead pid X, one replace it and
//   the other then unlink that fresh lock. Instead, replacing the lock of dead pid X needs the guard
//   `<path>.takeover-X`, created exclusively (createPidFile) and holding the taker's pid. Under it the taker
//   re-reads the lock: X was dead before this read, a dead process changes nothing, nothing is created over an
//   existing file, a live owner's release only removes a file recording its own pid, and every other taker of X
//   needs this guard; so a re-read that still says X stays X until the taker renames a complete file over it.
//   Once replaced, the lock never says X again (barring pid reuse), so a late taker of X who gets the guard after
//   it was removed re-reads another pid and backs off.
//   A guard left by a taker that died is never removed by a check-then-unlink either: its successors use the
//   guard `<guard>-<dead pid>`, a name only the takers of that dead guard contend for, and so on. The successful
//   taker removes the whole chain after its rename, when no guard of X can matter any more.
//   With `staleMs`, a lock (or guard) older than that counts as dead too: for locks around critical sections that
//   never last that long, where it only guards against a dead owner's pid having been reused.

/** A held pid lock; release() is idempotent and removes the file only while it still records the holder. */
export interface PidLock {
  release(): void;
}

/** What takePidLock found: the lock, or the live process that holds it. */
export type PidLockResult = { lock: PidLock; owner?: undefined } | { lock?: undefined; owner: number };

/** Raised when a lock could not be taken in time. */
export class LockTimeoutError extends Error {
  constructor(readonly lockPath: string) {
    super(`timed out waiting for the lock ${lockPath}`);
    this.name = 'LockTimeoutError';
  }
}

/** Options of takePidLock. */
export interface PidLockOptions {
  /** How long to wait for another process's takeover to finish before LockTimeoutError; default 5 s. */
  timeoutMs?: number;
  /** A lock older than this is stale even if its pid is alive (default: never). */
  staleMs?: number;
  /**
   * Whether a lock or guard recording `pid` itself is stale (default true): left by an earlier process that had the same pid
   * (pids are reused: a container's server is often pid 1), as no other live process can have it. False for a lock
   * that one process may hold while it asks again (another thread, another call): then it waits like any other.
   */
  ownPidIsStale?: boolean;
}

// A file without a pid can only be one an older writer was filling in (open, then write): stale after this.
const UNREADABLE_STALE_MS = 1000;
// The key of an unreadable lock in a guard's name.
const UNREADABLE = 0;

/** The owner a lock file records: its pid, UNREADABLE (an old, pid-less file), or undefined when it is missing. */
function readOwner(path: string): number | undefined {
  const pid = readPidFile(path)?.pid;
  if (pid !== undefined) return pid;
  return ageMs(path) > UNREADABLE_STALE_MS ? UNREADABLE : ageMs(path) >= 0 ? -1 : undefined;
}

/** How old the file is; -1 when it is missing. */
function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

function held(path: string, pid: number): PidLock {
  let holding = true;
  return {
    release() {
      if (!holding) return;
      holding = false;
      removePidFile(path, pid);
    },
  };
}

/**
 * Replaces the lock that recorded the dead `owner` (or UNREADABLE) with one of `pid`, under the guard chain of
 * `owner`: 'taken', 'busy' (a live process is taking it over now) or 'changed' (the lock no longer records owner).
 */
function takeOver(
  path: string,
  pid: number,
  owner: number,
  isStale: (owner: number, file: string) => boolean,
): 'taken' | 'busy' | 'changed' {
  const chain = [`${path}.takeover-${owner}`];
  for (;;) {
    const guard = chain[chain.length - 1] as string;
    if (createPidFile(guard, { pid })) break;
    const holder = readPidFile(guard)?.pid;
    if (holder === undefined) return 'changed'; // Removed by a taker that finished.
    if (!isStale(holder, guard)) return 'busy';
    chain.push(`${guard}-${holder}`);
  }
  const guard = chain[chain.length - 1] as string;
  // Found stale before this re-read; checked again after it, so that a lock only too old is not taken when its live
  // owner wrote it anew meanwhile.
  if (readOwner(path) !== owner || !isStale(owner, path)) {
    removePidFile(guard, pid);
    return 'changed';
  }
  writePidFile(path, { pid });
  for (const name of chain) removeFile(name);
  return 'taken';
}

/**
 * Takes the pid lock at `path` for process `pid`, replacing a stale one (its process is gone), race-free among
 * any number of processes doing the same (see above); `{ owner }` when a live process holds it. Throws
 * LockTimeoutError when a takeover by another process does not finish within `timeoutMs`.
 */
export function takePidLock(path: string, pid: number = process.pid, options: PidLockOptions = {}): PidLockResult {
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  const staleMs = options.staleMs ?? Number.POSITIVE_INFINITY;
  const ownPidIsStale = options.ownPidIsStale ?? true;
  // Whether the lock or guard `file`, recording `owner`, is stale.
  const isStale = (owner: number, file: string) =>
    owner === UNREADABLE || (owner === pid ? ownPidIsStale : !isProcessAlive(owner)) || ageMs(file) > staleMs;
  for (let attempt = 0; ; attempt += 1) {
    if (createPidFile(path, { pid })) return { lock: held(path, pid) };
    // The owner is read before it is found dead: the takeover relies on that order (see above).
    const owner = readOwner(path);
    if (owner !== undefined && owner > 0 && !isStale(owner, path)) return { owner };
    // Otherwise the lock was released meanwhile (try again at once), or is stale, or is a pid-less file still young.
    const outcome = owner === undefined ? 'changed' : owner >= 0 ? takeOver(path, pid, owner, isStale) : 'busy';
    if (outcome === 'taken') return { lock: held(path, pid) };
    if (Date.now() > deadline) throw new LockTimeoutError(path);
    if (outcome === 'busy') sleepSync(Math.min(50, 1 + attempt + Math.random() * 4));
  }
}
