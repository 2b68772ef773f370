import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from '@elmo/test-support';
import { useTempDir } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../ports.js';
import { createLocalLog, readLocalLog } from './local-log.js';

const temp = useTempDir();

describe('local transparency log', () => {
  it('shows each event once, with its newest status and its properties', () => {
    const path = join(temp.path, 'events.log');
    const log = createLocalLog(path);
    log.record([{ time: 't1', uuid: 'a', event: 'cli_command', status: 'queued', properties: { command: 'init' } }]);
    log.record([{ time: 't2', uuid: 'b', event: 'cli_command', status: 'queued', properties: { command: 'start' } }]);
    log.record([{ time: 't3', uuid: 'a', event: 'cli_command', status: 'sent' }]);
    expect(readLocalLog(path)).toEqual([]);
    log.flush?.();
    expect(readLocalLog(path)).toEqual([
      { time: 't2', uuid: 'b', event: 'cli_command', status: 'queued', properties: { command: 'start' } },
      { time: 't3', uuid: 'a', event: 'cli_command', status: 'sent', properties: { command: 'init' } },
    ]);
    expect(readLocalLog(path, 1).map((e) => e.uuid)).toEqual(['a']);
  });

  it('writes on its own after a short delay, or only on flush() when told so', async () => {
    const timed = join(temp.path, 'timed.log');
    const flushOnly = join(temp.path, 'flush-only.log');
    const entry: LogEntry = { time: 't', uuid: 'a', event: 'cli_command', status: 'queued' };
    createLocalLog(timed).record([entry]);
    const once = createLocalLog(flushOnly, undefined, { writeOnFlushOnly: true });
    once.record([entry]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(readLocalLog(timed).map((e) => e.uuid)).toEqual(['a']);
    expect(existsSync(flushOnly)).toBe(false);
    once.flush?.();
    expect(readLocalLog(flushOnly).map((e) => e.uuid)).toEqual(['a']);
  });

  it('rotates at its size bound, keeping one previous generation', () => {
    const path = join(temp.path, 'events.log');
    const log = createLocalLog(path, 1000);
    for (let i = 0; i < 100; i += 1) {
      log.record([{ time: 't', uuid: `u${i}`, event: 'e', status: 'sent' }]);
      log.flush?.();
    }
    expect(existsSync(`${path}.1`)).toBe(true);
    const entries = readLocalLog(path, 1000);
    expect(entries.length).toBeLessThan(100);
    expect(entries.at(-1)?.uuid).toBe('u99');
  });

  it('writes buffered entries shortly after recording, without an explicit flush', async () => {
    const path = join(temp.path, 'events.log');
    const log = createLocalLog(path);
    for (let i = 0; i < 300; i += 1) log.record([{ time: 't', uuid: `u${i}`, event: 'e', status: 'sent' }]);
    expect(readLocalLog(path, 1000)).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 400));
    expect(readLocalLog(path, 1000)).toHaveLength(300);
  });

  it('keeps only what fits when a burst is larger than the log', () => {
    const path = join(temp.path, 'events.log');
    const log = createLocalLog(path, 2000);
    for (let i = 0; i < 1000; i += 1) log.record([{ time: 't', uuid: `u${i}`, event: 'e', status: 'sent' }]);
    log.flush?.();
    const entries = readLocalLog(path, 1000);
    expect(entries.length).toBeGreaterThan(10);
    expect(entries.length).toBeLessThan(60);
    expect(entries.at(-1)?.uuid).toBe('u999');
  });

  it('reads nothing from a missing log', () => {
    expect(readLocalLog(join(temp.path, 'none.log'))).toEqual([]);
  });
});

// Tests run as root, where a read-only mode stops no write: a log whose folder is a regular file fails for real.
describe('a local log that cannot be written', () => {
  const entry = (uuid: string, properties?: Record<string, unknown>): LogEntry => ({
    time: 't',
    uuid,
    event: 'e',
    status: 'sent',
    ...(properties ? { properties } : {}),
  });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('counts a failed flush, drops its entries for good, and writes again once the path is fixed', () => {
    const blocker = join(temp.path, 'data');
    writeFileSync(blocker, 'a file where the data folder should be');
    const path = join(blocker, 'events.log');
    const log = createLocalLog(path);
    expect(log.status?.()).toEqual({ failedWrites: 0, droppedEntries: 0 });
    log.record([entry('a'), entry('b')]);
    expect(() => log.flush?.()).not.toThrow();
    expect(log.status?.()).toEqual({
      failedWrites: 1,
      droppedEntries: 2,
      lastError: expect.stringMatching(/EEXIST|ENOTDIR/),
    });
    // Nothing is left buffered, so nothing is retried.
    log.flush?.();
    expect(log.status?.().failedWrites).toBe(1);

    rmSync(blocker);
    log.record([entry('c')]);
    log.flush?.();
    expect(readLocalLog(path).map((e) => e.uuid)).toEqual(['c']);
    expect(log.status?.()).toEqual({ failedWrites: 1, droppedEntries: 2 });
  });

  it('carries on when its folder is replaced by a file between timer writes', async () => {
    const dir = join(temp.path, 'data');
    const path = join(dir, 'events.log');
    const log = createLocalLog(path);
    log.record([entry('a')]);
    await sleep(400);
    expect(readLocalLog(path).map((e) => e.uuid)).toEqual(['a']);

    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'no longer a folder');
    // Thrown from the timer, this would be an uncaught exception and fail the run.
    log.record([entry('b'), entry('c')]);
    await sleep(400);
    expect(log.status?.()).toMatchObject({ failedWrites: 1, droppedEntries: 2 });
  });

  it('appends without waiting for the lock while no rotation is due', () => {
    const path = join(temp.path, 'events.log');
    // Held by a live process (this one) and fresh, so it is not stale: a write that needed it would fail.
    writeFileSync(`${path}.lock`, String(process.pid));
    const log = createLocalLog(path, undefined, { lockTimeoutMs: 50 });
    log.record([entry('a')]);
    log.flush?.();
    expect(log.status?.()).toEqual({ failedWrites: 0, droppedEntries: 0 });
    expect(readLocalLog(path).map((e) => e.uuid)).toEqual(['a']);
  });

  it('gives up on a lock held too long when it must rotate, and counts it', () => {
    const path = join(temp.path, 'events.log');
    writeFileSync(path, `${'x'.repeat(190)}\n`);
    writeFileSync(`${path}.lock`, String(process.pid));
    const log = createLocalLog(path, 200, { lockTimeoutMs: 50 });
    log.record([entry('a')]);
    log.flush?.();
    expect(log.status?.()).toEqual({
      failedWrites: 1,
      droppedEntries: 1,
      lastError: expect.stringContaining('timed out waiting for the lock'),
    });
    rmSync(`${path}.lock`);
    log.record([entry('b')]);
    log.flush?.();
    expect(readLocalLog(path).map((e) => e.uuid)).toEqual(['b']);
    expect(existsSync(`${path}.1`)).toBe(true);
  });

  it('drops an entry JSON cannot represent, alone', () => {
    const path = join(temp.path, 'events.log');
    const log = createLocalLog(path);
    log.record([entry('a'), entry('big', { n: 1n }), entry('b')]);
    log.flush?.();
    expect(readLocalLog(path).map((e) => e.uuid)).toEqual(['a', 'b']);
    expect(log.status?.()).toEqual({ failedWrites: 0, droppedEntries: 1 });
  });

  it('never crashes a Node process whose log fails from its timer', async () => {
    const blocker = join(temp.path, 'data');
    writeFileSync(blocker, 'a file where the data folder should be');
    const path = join(blocker, 'events.log');
    const fixture = fileURLToPath(new URL('../../test/fixtures/failing-log.mjs', import.meta.url));
    const result = await runNode(fixture, [path, blocker], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { failing, fixed } = JSON.parse(result.stdout);
    expect(failing).toEqual({ failedWrites: 1, droppedEntries: 1, lastError: expect.stringMatching(/EEXIST|ENOTDIR/) });
    expect(fixed).toEqual({ failedWrites: 1, droppedEntries: 1 });
    expect(readLocalLog(path).map((e) => e.uuid)).toEqual(['kept']);
  });
});
