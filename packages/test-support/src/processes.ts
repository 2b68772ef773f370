import { readdirSync, readFileSync } from 'node:fs';

/** A live process whose command line contains a marker (such as a test's temp folder). */
export interface FoundProcess {
  pid: number;
  cmdline: string;
}

/**
 * Lists live processes whose command line contains `marker`, from /proc (Linux). The detached sender gets its
 * spool path in its argument, so a test's temp folder finds exactly the senders that test started.
 */
export function findProcesses(marker: string): FoundProcess[] {
  const found: FoundProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      // A zombie has exited and only waits to be reaped; it holds nothing.
      if (state !== 'Z' && cmdline.includes(marker)) found.push({ pid, cmdline });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Kills (SIGKILL, by pid) every live process whose command line contains `marker`; returns their pids. */
export function killProcesses(marker: string): number[] {
  const pids = findProcesses(marker).map((p) => p.pid);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
  return pids;
}
