import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsentNames, ConsentPlaces } from '../consent.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { readLivePid } from '../pid-file.js';
import { openSpool } from './disk-spool.js';

/**
 * Everything the detached sender needs, handed over in a 0600 file that it reads and deletes (never argv, which
 * every user of the machine can read), so it never reads user code or the product's settings code.
 */
export interface DetachedSenderConfig {
  spoolPath: string;
  pidFile: string;
  host: string;
  apiKey: string;
  logPath?: string;
  /** Trace lines go here when set (the sender has no terminal). */
  traceFile?: string;
  /** Hard cap on the sender's lifetime (SPEC §7: 30 s). */
  capMs: number;
  requestTimeoutMs?: number;
  /**
   * The consent rules' names and places: asked again before every batch, so that a withdrawal made while the
   * sender waits on a slow endpoint drops what is pending (SPEC §7). Absent for explicit submissions, which
   * are sent by a person's own request whatever the consent.
   */
  consent?: { names: ConsentNames; places: ConsentPlaces };
}

/** The sender's entry file, shipped beside this module (resolved on use: bundlers rewrite module URLs). */
export function detachedSenderEntry(): string {
  return fileURLToPath(new URL('./sender-process.js', import.meta.url));
}

/**
 * Starts the detached sender when the spool has events and no sender is running. The child is unref'd,
 * gets no terminal and an empty environment (nothing like NODE_OPTIONS can load code into it), and runs in
 * the spool's folder. Returns the child's pid, or undefined when nothing was started.
 */
export function startDetachedSender(config: DetachedSenderConfig, entry = detachedSenderEntry()): number | undefined {
  if (openSpool(config.spoolPath).isEmpty()) return undefined;
  if (readLivePid(config.pidFile) !== undefined) return undefined;
  const configFile = join(dirname(config.spoolPath), `.sender-${randomUUID()}.json`);
  writeFileAtomic(configFile, JSON.stringify(config));
  const child = spawn(process.execPath, [entry, configFile], {
    detached: true,
    stdio: 'ignore',
    env: {},
    cwd: dirname(config.spoolPath),
    windowsHide: true,
  });
  child.on('error', () => rmSync(configFile, { force: true }));
  child.unref();
  // Background work: it must never compete with what the person runs next.
  if (child.pid) {
    try {
      setPriority(child.pid, 10);
    } catch {}
  }
  return child.pid;
}
