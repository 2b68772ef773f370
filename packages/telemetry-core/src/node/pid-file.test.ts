import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@elmo/test-support/vitest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPidFile, readLivePid, readPidFile, removePidFile, writePidFile } from './pid-file.js';

// The pid of a process that has already exited.
const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout);

const temp = useTempDir();
let path: string;
beforeEach(() => {
  path = join(temp.path, 'run', 'x.pid');
});

describe('pid files', () => {
  it('reads the pid and an optional port, tolerating the shapes older writers left', () => {
    writePidFile(path, { pid: 123, port: 1515 });
    expect(readFileSync(path, 'utf8')).toBe('123\n1515\n');
    expect(readPidFile(path)).toEqual({ pid: 123, port: 1515 });
    writeFileSync(path, '456');
    expect(readPidFile(path)).toEqual({ pid: 456 });
    writeFileSync(path, ' 789 \nnot a port\n');
    expect(readPidFile(path)).toEqual({ pid: 789 });
    writeFileSync(path, '12\n70000\n');
    expect(readPidFile(path)).toEqual({ pid: 12 });
  });

  it('is undefined when missing, empty or not a pid', () => {
    expect(readPidFile(path)).toBeUndefined();
    for (const text of ['', 'abc', '-5', '0']) {
      writeFileSync(join(temp.path, 'bad.pid'), text);
      expect(readPidFile(join(temp.path, 'bad.pid'))).toBeUndefined();
    }
  });

  it('gives a live pid only while its process runs', () => {
    writePidFile(path);
    expect(readLivePid(path)).toBe(process.pid);
    writePidFile(path, { pid: deadPid() });
    expect(readLivePid(path)).toBeUndefined();
  });

  it('creates a file only when none exists, and removes it only while it is its own', () => {
    writePidFile(path, { pid: 1 });
    expect(createPidFile(path)).toBe(false);
    expect(removePidFile(path)).toBe(false);
    expect(existsSync(path)).toBe(true);
    expect(removePidFile(path, 1)).toBe(true);
    expect(createPidFile(path, { pid: process.pid })).toBe(true);
    expect(readPidFile(path)).toEqual({ pid: process.pid });
    expect(removePidFile(path)).toBe(true);
    expect(existsSync(path)).toBe(false);
  });
});
