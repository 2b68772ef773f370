import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir } from '@elmo/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, LockHeldError } from './lock-file';

const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});
function lockPath(): string {
  const dir = createTempDir('elmo-lock-');
  dirs.push(dir);
  return join(dir.path, 'data', 'web.lock');
}

// The pid of a process that has certainly exited.
const deadPid = (): number =>
  Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());

describe('acquireLock', () => {
  it('writes our pid and removes the file on release', () => {
    const path = lockPath();
    const lock = acquireLock(path);
    expect(readFileSync(path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a lock held by a live process, naming it', () => {
    const path = lockPath();
    const held = acquireLock(path, process.ppid);
    expect(() => acquireLock(path)).toThrow(LockHeldError);
    expect(() => acquireLock(path)).toThrow(`another Elmo web server (pid ${process.ppid}) is using`);
    held.release();
  });

  it('replaces a stale lock left by a process that died', () => {
    const path = lockPath();
    acquireLock(path); // Make the folder.
    writeFileSync(path, `${deadPid()}\n`);
    const lock = acquireLock(path);
    expect(readFileSync(path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('never removes a lock that another process took over', () => {
    const path = lockPath();
    const lock = acquireLock(path);
    writeFileSync(path, `${process.ppid}\n`);
    lock.release();
    expect(readFileSync(path, 'utf8').trim()).toBe(String(process.ppid));
  });
});
