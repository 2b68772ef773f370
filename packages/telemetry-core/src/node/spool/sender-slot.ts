import { withFileLockSync } from '../lock.js';
import { readLivePid, removePidFile, writePidFile } from '../pid-file.js';

// One detached sender per spool: its slot is a pid file, claimed and released under the file's lock.

/** Claims the sender slot for this process; false when another live sender holds it. */
export function claimSenderSlot(pidFile: string): boolean {
  return withFileLockSync(pidFile, () => {
    if (readLivePid(pidFile) !== undefined) return false;
    writePidFile(pidFile);
    return true;
  });
}

/** Releases the sender slot if this process holds it. */
export function releaseSenderSlot(pidFile: string): void {
  withFileLockSync(pidFile, () => removePidFile(pidFile));
}
