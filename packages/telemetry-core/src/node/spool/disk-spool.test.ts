import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRandom } from '@elmo/test-support';
import { useTempDir } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';
import type { OutgoingEvent } from '../../envelope.js';
import { openSpool, queuedAtMs } from './disk-spool.js';

const temp = useTempDir();
const T_QUEUED = Date.parse('2026-03-01T12:00:00.000Z');

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

  it('keeps at most maxEvents: once it is crossed, the oldest are dropped (and counted) down to nine tenths of it', () => {
    const spool = openSpool(join(temp.path, 'spool.jsonl'), { maxEvents: 1000, maxBytes: 1024 * 1024 });
    spool.append(Array.from({ length: 1000 }, (_, i) => event(i)));
    expect(spool.read()).toHaveLength(1000);
    expect(spool.dropped()).toBe(0);
    spool.append([event(1000)]);
    const kept = spool.read();
    expect(kept).toHaveLength(900);
    expect(kept[0]?.uuid).toBe('u101');
    expect(kept.at(-1)?.uuid).toBe('u1000');
    expect(spool.dropped()).toBe(101);
  });

  it('keeps at most maxBytes, the same way', () => {
    const spool = openSpool(join(temp.path, 'spool.jsonl'), { maxEvents: 1000, maxBytes: 10_000 });
    spool.append(Array.from({ length: 10 }, (_, i) => event(i, 1800)));
    // Five lines of ~1.9 KB fit 10,000 bytes; four fit nine tenths of it.
    expect(spool.read().map((e) => e.uuid)).toEqual(['u6', 'u7', 'u8', 'u9']);
    expect(spool.dropped()).toBe(6);
    expect(statSync(spool.path).size).toBeLessThanOrEqual(9000);
  });

  it('keeps the newest event alone when it fits the bounds but not nine tenths of them', () => {
    const spool = openSpool(join(temp.path, 'spool.jsonl'), { maxEvents: 1, maxBytes: 1024 * 1024 });
    spool.append([event(1), event(2)]);
    expect(spool.read().map((e) => e.uuid)).toEqual(['u2']);
    expect(spool.dropped()).toBe(1);
  });

  it('a spool that stays full is rewritten once per tenth of its bound, not by every append', () => {
    const spool = openSpool(join(temp.path, 'spool.jsonl'), { maxEvents: 100, maxBytes: 1024 * 1024 });
    spool.append(Array.from({ length: 100 }, (_, i) => event(i)));
    const rewrites: number[] = [];
    let file = statSync(spool.path).ino;
    for (let i = 100; i < 130; i += 1) {
      spool.append([event(i)]);
      // A rewrite replaces the file (temp file, then rename); an append keeps it.
      const now = statSync(spool.path).ino;
      if (now !== file) rewrites.push(i);
      file = now;
      expect(spool.read().length).toBeLessThanOrEqual(100);
    }
    expect(rewrites).toEqual([100, 111, 122]);
    expect(spool.dropped()).toBe(33);
    expect(spool.read().at(-1)?.uuid).toBe('u129');
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

  it('writes queuedAt first on every line, so that queuedTimes() reads it without parsing the line', () => {
    const spool = openSpool(join(temp.path, 'spool.jsonl'), undefined, { now: () => T_QUEUED });
    spool.append([event(1), { ...event(2), properties: { nested: { queuedAt: 'x' } } }]);
    for (const line of readFileSync(spool.path, 'utf8').trim().split('\n')) {
      expect(line.startsWith(`{"queuedAt":"${new Date(T_QUEUED).toISOString()}"`)).toBe(true);
    }
    expect(spool.queuedTimes()).toEqual([T_QUEUED, T_QUEUED]);
  });

  it('queuedTimes() and its newest k agree with read() over 200 generated spools of new, old, odd and broken lines', () => {
    const random = createRandom(14);
    const time = () => T_QUEUED + Math.floor(random() * 1e9);
    const iso = () => new Date(time()).toISOString();
    const lines: (() => string)[] = [
      // As append writes them.
      () => JSON.stringify({ queuedAt: iso(), ...event(Math.floor(random() * 1e6)) }),
      // Written before queuedAt came first, or before it existed (the timestamp stands in).
      () => JSON.stringify({ ...event(Math.floor(random() * 1e6)), queuedAt: iso() }),
      () => JSON.stringify({ ...event(Math.floor(random() * 1e6)), timestamp: iso() }),
      // Characters of more than one byte, before and after the time.
      () => JSON.stringify({ queuedAt: iso(), ...event(4), properties: { note: 'café ☕' } }),
      () => JSON.stringify({ note: 'ü☕', ...event(5), queuedAt: iso() }),
      // A time that is none, a prefix with a longer time, whitespace, no event at all, not JSON.
      () => JSON.stringify({ queuedAt: 'soon', ...event(1) }),
      () => JSON.stringify({ queuedAt: `+0${iso()}`, ...event(2) }),
      () => `  ${JSON.stringify({ queuedAt: iso(), ...event(3) })}`,
      () => '   ',
      () => JSON.stringify({ note: 'no uuid', queuedAt: iso() }),
      () => 'not json {',
    ];
    for (let n = 0; n < 200; n += 1) {
      const path = join(temp.path, `generated-${n}.jsonl`);
      const count = Math.floor(random() * 12);
      const text = Array.from({ length: count }, () => (lines[Math.floor(random() * lines.length)] as () => string)());
      writeFileSync(path, text.join('\n') + (random() < 0.5 ? '\n' : ''));
      const spool = openSpool(path);
      const all = spool.read().map(queuedAtMs);
      expect(spool.queuedTimes(), text.join('\n')).toEqual(all);
      // The newest k, read from the end of the file, and back to the first queued before a time.
      for (let k = 0; k <= all.length + 1; k += 1) {
        expect(spool.queuedTimes(k), `${k} of\n${text.join('\n')}`).toEqual(k === 0 ? [] : all.slice(-k));
      }
      const since = time();
      let first = all.length - 1;
      while (first > 0 && !((all[first] ?? since) < since)) first -= 1;
      expect(spool.queuedTimes(undefined, since), `since ${since}`).toEqual(all.slice(Math.max(0, first)));
    }
  });

  it('queuedTimes(k) reads back as far as the newest k need, through lines longer than the piece it reads first', () => {
    const random = createRandom(15);
    const path = join(temp.path, 'long-lines.jsonl');
    // 40 events of 0.1 to 40 KB each (the first piece read is 16 KB), queued a millisecond apart.
    const text = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({
        queuedAt: new Date(T_QUEUED + i).toISOString(),
        ...event(i),
        properties: { note: 'ü'.repeat(Math.floor(random() * 20_000)) },
      }),
    );
    writeFileSync(path, `${text.join('\n')}\n`);
    const spool = openSpool(path);
    const all = spool.read().map(queuedAtMs);
    expect(all).toHaveLength(40);
    for (const k of [1, 2, 5, 20, 39, 40, 41]) expect(spool.queuedTimes(k), String(k)).toEqual(all.slice(-k));
    for (const i of [0, 1, 17, 39]) {
      expect(spool.queuedTimes(undefined, (all[i] as number) + 1), `since #${i}`).toEqual(all.slice(i));
    }
  });

  it('queuedTimes() counts a line that only begins like an event, torn or not (a sender may start early, never late)', () => {
    const spool = openSpool(join(temp.path, 'spool.jsonl'), undefined, { now: () => T_QUEUED });
    spool.append([event(1)]);
    const at = (ms: number) => new Date(T_QUEUED + ms).toISOString();
    appendFileSync(spool.path, `{"queuedAt":"${at(1)}","note":"no uuid"}\n{"queuedAt":"${at(2)}","uuid":"u2","ev`);
    expect(spool.read()).toHaveLength(1);
    expect(spool.queuedTimes()).toEqual([T_QUEUED, T_QUEUED + 1, T_QUEUED + 2]);
  });
});
