import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';
import { LockTimeoutError, takePidLock } from './pid-lock.js';

// The pid of a process that has already exited.
const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout);
const age = (path: string, seconds: number) => {
  const then = Date.now() / 1000 - seconds;
  utimesSync(path, then, then);
};

const temp = useTempDir();
const lockPath = () => join(temp.path, 'data', 'x.lock');
// A lock of a dead process, and the guard of a taker `holder` replacing it.
function staleLockWithGuard(holder: number): string {
  const path = lockPath();
  takePidLock(path, deadPid());
  writeFileSync(`${path}.takeover-${readFileSync(path, 'utf8').trim()}`, `${holder}\n`);
  return path;
}

describe('takePidLock', () => {
  it('creates the folder and the lock, names a live owner, and releases only its own file', () => {
    const path = lockPath();
    const result = takePidLock(path);
    expect(readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
    expect(takePidLock(path, deadPid())).toEqual({ owner: process.pid });
    result.lock?.release();
    result.lock?.release();
    expect(existsSync(path)).toBe(false);
  });

  it('replaces a lock whose process is gone, or one left under its own pid, and leaves no guard behind', () => {
    const path = lockPath();
    takePidLock(path, deadPid());
    expect(takePidLock(path).lock).toBeDefined();
    expect(readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
    expect(takePidLock(path).lock).toBeDefined();
    expect(readdirSync(join(temp.path, 'data'))).toEqual(['x.lock']);
  });

  it('takes over through a guard left by a dead taker, and removes the whole chain', () => {
    const path = staleLockWithGuard(deadPid());
    expect(takePidLock(path).lock).toBeDefined();
    expect(readdirSync(join(temp.path, 'data'))).toEqual(['x.lock']);
  });

  it('waits for a live taker, and times out if it never finishes', () => {
    const path = staleLockWithGuard(process.ppid);
    expect(() => takePidLock(path, process.pid, { timeoutMs: 50 })).toThrow(LockTimeoutError);
  });

  it('waits for a pid-less file while it is young (an older writer filling it), then replaces it', () => {
    const path = lockPath();
    takePidLock(path, deadPid()).lock?.release();
    writeFileSync(path, '');
    expect(() => takePidLock(path, process.pid, { timeoutMs: 50 })).toThrow(LockTimeoutError);
    age(path, 5);
    expect(takePidLock(path).lock).toBeDefined();
    expect(readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
  });

  it('counts a lock older than staleMs as stale, and its own pid only when asked to', () => {
    const path = lockPath();
    takePidLock(path, process.ppid);
    expect(takePidLock(path, process.pid, { staleMs: 1000 })).toEqual({ owner: process.ppid });
    age(path, 5);
    expect(takePidLock(path, process.pid, { staleMs: 1000 }).lock).toBeDefined();
    expect(takePidLock(path, process.pid, { ownPidIsStale: false })).toEqual({ owner: process.pid });
    expect(takePidLock(path).lock).toBeDefined();
  });
});
