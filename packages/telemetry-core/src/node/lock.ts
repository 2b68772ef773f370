import { LockTimeoutError, takePidLock } from './pid-lock.js';
import { sleepSync } from './sleep-sync.js';

// A lock around short critical sections (a few milliseconds of local file I/O), taken synchronously so that the CLI
// can persist state from an exit path where promises can no longer run. It is a pid lock (pid-lock.ts): never seen
// empty, and a stale one (its process gone, or older than any critical section could be) is replaced by exactly one
// waiter, never by check-then-unlink.

/** Runs `fn` holding an exclusive lock file (`<path>.lock`) shared by every process on this machine. */
export function withFileLockSync<T>(
  path: string,
  fn: () => T,
  options: { timeoutMs?: number; staleMs?: number } = {},
): T {
  const lockPath = `${path}.lock`;
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  const staleMs = options.staleMs ?? 10_000;
  for (let attempt = 0; ; attempt += 1) {
    const timeoutMs = Math.max(0, deadline - Date.now());
    const { lock } = takePidLock(lockPath, process.pid, { timeoutMs, staleMs, ownPidIsStale: false });
    if (lock) {
      try {
        return fn();
      } finally {
        lock.release();
      }
    }
    if (Date.now() > deadline) throw new LockTimeoutError(lockPath);
    sleepSync(Math.min(50, 2 + attempt * 2 + Math.random() * 5));
  }
}
