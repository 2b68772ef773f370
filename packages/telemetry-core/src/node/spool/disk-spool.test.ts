import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';
import type { OutgoingEvent } from '../../envelope.js';
import { openSpool } from './disk-spool.js';

const temp = useTempDir();

const event = (i: number, size = 0): OutgoingEvent => ({
  uuid: `u${i}`,
  event: 'e',
  distinctId: 'd',
  timestamp: '2026-01-01T00:00:00.000Z',
  properties: size ? { pad: 'x'.repeat(size) } : {},
});

describe('spool', () => {
  it('creates nothing until something is appended', () => {
    const spool = openSpool(join(temp.path, 'spool.jsonl'));
    expect(spool.isEmpty()).toBe(true);
    expect(spool.read()).toEqual([]);
  });

  it('keeps at most maxEvents, dropping the oldest and counting them', () => {
    const spool = openSpool(join(temp.path, 'spool.jsonl'), { maxEvents: 1000, maxBytes: 1024 * 1024 });
    spool.append(Array.from({ length: 1200 }, (_, i) => event(i)));
    const kept = spool.read();
    expect(kept).toHaveLength(1000);
    expect(kept[0]?.uuid).toBe('u200');
    expect(spool.dropped()).toBe(200);
  });

  it('keeps at most maxBytes', () => {
    const spool = openSpool(join(temp.path, 'spool.jsonl'), { maxEvents: 1000, maxBytes: 10_000 });
    spool.append(Array.from({ length: 10 }, (_, i) => event(i, 2000)));
    expect(spool.read().map((e) => e.uuid)).toEqual(['u6', 'u7', 'u8', 'u9']);
    expect(spool.dropped()).toBe(6);
  });

  it('removes by uuid and keeps events appended meanwhile', () => {
    const spool = openSpool(join(temp.path, 'spool.jsonl'));
    spool.append([event(1), event(2)]);
    const batch = spool.read();
    spool.append([event(3)]);
    spool.remove(batch.map((e) => e.uuid));
    expect(spool.read().map((e) => e.uuid)).toEqual(['u3']);
  });

  it('skips a torn line instead of blocking every later event', () => {
    const path = join(temp.path, 'spool.jsonl');
    const spool = openSpool(path);
    spool.append([event(1)]);
    appendFileSync(path, '{"uuid":"torn\n');
    spool.append([event(2)]);
    appendFileSync(path, '{"uuid":"torn without a newline');
    spool.append([event(3)]);
    expect(spool.read().map((e) => e.uuid)).toEqual(['u1', 'u2', 'u3']);
  });

  it('removing, discarding or counting attempts on a missing spool creates nothing', () => {
    const path = join(temp.path, 'spool.jsonl');
    const spool = openSpool(path);
    spool.remove(['u1']);
    expect(spool.discard(['u1'])).toEqual([]);
    spool.recordAttempt(['u1']);
    expect(spool.claim()).toEqual([]);
    expect(existsSync(path)).toBe(false);
  });

  it('a rewrite leaves behind a torn last line that nothing followed, and keeps every whole one', () => {
    const path = join(temp.path, 'spool.jsonl');
    const spool = openSpool(path);
    spool.append([event(1), event(2)]);
    appendFileSync(path, '{"uuid":"torn by a crash');
    spool.remove(['u1']);
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(spool.read()[0])}\n`);
    expect(spool.read().map((e) => e.uuid)).toEqual(['u2']);
    spool.append([event(3)]);
    expect(spool.read().map((e) => e.uuid)).toEqual(['u2', 'u3']);
  });
});
