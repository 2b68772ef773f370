import { readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../fs-atomic.js';
import { withFileLockSync } from '../lock.js';
import { isProcessAlive } from '../process-alive.js';

/** The pid of a live sender recorded in `pidFile`, if any. */
export function runningSenderPid(pidFile: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 && isProcessAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Claims the sender slot for this process; false when another live sender holds it. */
export function claimSenderSlot(pidFile: string): boolean {
  return withFileLockSync(pidFile, () => {
    if (runningSenderPid(pidFile) !== undefined) return false;
    writeFileAtomic(pidFile, String(process.pid));
    return true;
  });
}

/** Releases the sender slot if this process holds it. */
export function releaseSenderSlot(pidFile: string): void {
  withFileLockSync(pidFile, () => {
    if (runningSenderPid(pidFile) === process.pid) rmSync(pidFile, { force: true });
  });
}
