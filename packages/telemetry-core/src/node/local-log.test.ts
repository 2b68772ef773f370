import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/temp-dir.js';
import { createLocalLog, readLocalLog } from './local-log.js';

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.cleanup());

describe('local transparency log', () => {
  it('shows each event once, with its newest status and its properties', () => {
    const path = join(temp.dir, 'events.log');
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

  it('rotates at its size bound, keeping one previous generation', () => {
    const path = join(temp.dir, 'events.log');
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
    const path = join(temp.dir, 'events.log');
    const log = createLocalLog(path);
    for (let i = 0; i < 300; i += 1) log.record([{ time: 't', uuid: `u${i}`, event: 'e', status: 'sent' }]);
    expect(readLocalLog(path, 1000)).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 400));
    expect(readLocalLog(path, 1000)).toHaveLength(300);
  });

  it('keeps only what fits when a burst is larger than the log', () => {
    const path = join(temp.dir, 'events.log');
    const log = createLocalLog(path, 2000);
    for (let i = 0; i < 1000; i += 1) log.record([{ time: 't', uuid: `u${i}`, event: 'e', status: 'sent' }]);
    log.flush?.();
    const entries = readLocalLog(path, 1000);
    expect(entries.length).toBeGreaterThan(10);
    expect(entries.length).toBeLessThan(60);
    expect(entries.at(-1)?.uuid).toBe('u999');
  });

  it('reads nothing from a missing log', () => {
    expect(readLocalLog(join(temp.dir, 'none.log'))).toEqual([]);
  });
});
