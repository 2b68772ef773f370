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

// Linux counts a process's start time in clock ticks since boot; USER_HZ is 100 on every Linux we run on.
const TICKS_PER_SECOND = 100;

/** How long ago (ms, to 10 ms) a live process started, from /proc; undefined once it has gone. */
export function processAgeMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces) start at field 3; starttime is field 22.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const startTicks = Number(fields[22 - 3]);
    const uptimeSeconds = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return Math.round((uptimeSeconds - startTicks / TICKS_PER_SECOND) * 1000);
  } catch {
    return undefined;
  }
}

/**
 * Watches the processes `find` returns, every `everyMs`, and keeps the oldest age each one was seen at: when
 * stopped, a pid's figure is its lifetime to within `everyMs`. This measures each process on its own, so a
 * process started late by a busy machine is not charged the wait before it started.
 */
export function watchLifetimes(find: () => number[], everyMs = 50): { stop(): Map<number, number> } {
  const lifetimes = new Map<number, number>();
  const look = () => {
    for (const pid of find()) {
      const age = processAgeMs(pid);
      if (age !== undefined) lifetimes.set(pid, Math.max(age, lifetimes.get(pid) ?? 0));
    }
  };
  const timer = setInterval(look, everyMs);
  look();
  return {
    stop() {
      clearInterval(timer);
      look();
      return lifetimes;
    },
  };
}
