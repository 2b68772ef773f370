import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive, readPidFile } from '@elmo/telemetry-core/node';

/** What the pid files of a deployment say. */
export type RunState =
  | { state: 'running'; pid: number; pidFile: string; port?: number }
  | { state: 'stopped'; stalePidFile?: string };

/**
 * The pid files a running deployment leaves, in the order they are trusted: `data/elmo.pid` (written by
 * `elmo start`), `run/*.pid` (one per component), and `data/web.lock` (the web server's database lock, which
 * holds its pid). Only files are read; nothing is signalled but the existence probe `kill(pid, 0)`.
 */
export function pidFileCandidates(dir: string): string[] {
  let runFiles: string[] = [];
  try {
    runFiles = readdirSync(join(dir, 'run'))
      .filter((name) => name.endsWith('.pid'))
      .sort()
      .map((name) => join(dir, 'run', name));
  } catch {}
  return [join(dir, 'data', 'elmo.pid'), ...runFiles, join(dir, 'data', 'web.lock')];
}

/** Whether the deployment in `dir` is running, judged from its pid files alone (fast, local, no network). */
export function readRunState(dir: string): RunState {
  let stalePidFile: string | undefined;
  for (const pidFile of pidFileCandidates(dir)) {
    const record = readPidFile(pidFile);
    if (record === undefined) continue;
    const { pid, port } = record;
    if (isProcessAlive(pid))
      return port ? { state: 'running', pid, pidFile, port } : { state: 'running', pid, pidFile };
    stalePidFile ??= pidFile;
  }
  return stalePidFile ? { state: 'stopped', stalePidFile } : { state: 'stopped' };
}
