import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDeps, type TestDeps } from '../testing/test-deps.js';
import { readRunState } from './running.js';

// The pid of a process that has already exited.
const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout);

describe('readRunState', () => {
  let deps: TestDeps;
  let dir: string;
  beforeEach(() => {
    deps = createTestDeps();
    dir = join(deps.root, 'deploy');
    mkdirSync(join(dir, 'data'), { recursive: true });
  });
  afterEach(() => deps.cleanup());

  it('is stopped without pid files', () => {
    expect(readRunState(dir)).toEqual({ state: 'stopped' });
  });

  it('is running when a pid file names a live process, stopped (stale) when it names a dead one', () => {
    writeFileSync(join(dir, 'data', 'elmo.pid'), `${deadPid()}\n`);
    expect(readRunState(dir)).toEqual({ state: 'stopped', stalePidFile: join(dir, 'data', 'elmo.pid') });
    mkdirSync(join(dir, 'run'));
    writeFileSync(join(dir, 'run', 'web.pid'), String(process.pid));
    expect(readRunState(dir)).toEqual({ state: 'running', pid: process.pid, pidFile: join(dir, 'run', 'web.pid') });
  });
});
