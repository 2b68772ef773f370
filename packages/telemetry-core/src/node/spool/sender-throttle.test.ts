import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';
import { openSpool, queuedAtMs, type SpooledEvent } from './disk-spool.js';
import { startDetachedSender } from './sender-launcher.js';
import {
  DEFAULT_SENDER_BATCH_EVENTS,
  DEFAULT_SENDER_INTERVAL_MS,
  isSenderDue,
  isSpoolSenderDue,
  readSenderStamp,
  type SenderThrottle,
  spoolTriedFile,
  writeSenderStamp,
} from './sender-throttle.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const MINUTE = DEFAULT_SENDER_INTERVAL_MS;

const queued = (n: number, at = T0): SpooledEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    uuid: `u${i}`,
    event: 'cli_command',
    distinctId: 'install',
    timestamp: new Date(at).toISOString(),
    properties: {},
    queuedAt: new Date(at).toISOString(),
  }));

const due = (
  events: SpooledEvent[],
  lastStartAt: number | undefined,
  now: number,
  intervalMs = MINUTE,
  triedAt?: number,
) =>
  isSenderDue({
    queuedTimes: events.map(queuedAtMs),
    lastStartAt,
    now,
    intervalMs,
    batchEvents: DEFAULT_SENDER_BATCH_EVENTS,
    triedAt,
  });

describe('isSenderDue (fixed clock)', () => {
  it('an empty spool never needs a sender', () => {
    expect(due([], undefined, T0)).toBe(false);
    expect(due([], undefined, T0, 0)).toBe(false);
  });

  it('no sender started yet, or none in the last 60 s: due', () => {
    expect(due(queued(1), undefined, T0)).toBe(true);
    expect(due(queued(1), T0 - MINUTE, T0)).toBe(true);
    expect(due(queued(1), T0 - MINUTE - 1, T0)).toBe(true);
  });

  it('a sender started less than 60 s ago and a fresh event: not due', () => {
    expect(due(queued(1, T0), T0, T0)).toBe(false);
    expect(due(queued(1, T0), T0, T0 + MINUTE - 1)).toBe(false);
    expect(due(queued(19, T0), T0 - 1000, T0 + 30_000)).toBe(false);
  });

  it('20 events or more: due at once', () => {
    expect(due(queued(20, T0), T0, T0)).toBe(true);
    expect(due(queued(21, T0), T0, T0)).toBe(true);
  });

  it('an event queued 60 s ago or more: due, however recently a sender started', () => {
    const events = [...queued(1, T0 - MINUTE), ...queued(1, T0)];
    expect(due(events, T0 - 1, T0)).toBe(true);
    expect(due(queued(1, T0 - MINUTE + 1), T0 - 1, T0)).toBe(false);
  });

  it('an event without queuedAt falls back to its timestamp; an unreadable time counts as due', () => {
    const [event] = queued(1, T0 - 2 * MINUTE);
    const { queuedAt: _, ...withoutQueuedAt } = event as SpooledEvent;
    expect(due([withoutQueuedAt], T0, T0 + 1)).toBe(true);
    expect(due([{ ...withoutQueuedAt, timestamp: 'garbage' }], T0, T0 + 1)).toBe(true);
  });

  it('a start recorded in the future (clock set back) counts as none', () => {
    expect(due(queued(1, T0), T0 + MINUTE, T0)).toBe(true);
  });

  it('events a sender already tried (kept after a failure) start none until 60 s after the last start', () => {
    const old = queued(25, T0 - 5 * MINUTE);
    // A sender started and began its pass 5 s ago; the endpoint failed, so all 25 are still there.
    expect(due(old, T0 - 5000, T0, MINUTE, T0 - 4000)).toBe(false);
    expect(due(old, T0 - MINUTE, T0, MINUTE, T0 - 4000)).toBe(true);
    // New events count as usual: 19 wait, then 20.
    const fresh = (n: number) => queued(n, T0 - 1000).map((e) => ({ ...e, uuid: `new-${e.uuid}` }));
    expect(due([...old, ...fresh(19)], T0 - 5000, T0, MINUTE, T0 - 4000)).toBe(false);
    expect(due([...old, ...fresh(20)], T0 - 5000, T0, MINUTE, T0 - 4000)).toBe(true);
    // An event queued after the pass began, a minute ago, was never tried: due.
    expect(due(queued(1, T0 - MINUTE), T0 - 5000, T0, MINUTE, T0 - 2 * MINUTE)).toBe(true);
  });

  it('a tried time in the future (clock set back) counts as none', () => {
    expect(due(queued(20, T0 - 1000), T0 - 5000, T0, MINUTE, T0 + MINUTE)).toBe(true);
  });

  it('an interval of 0 starts a sender on every run', () => {
    expect(due(queued(1, T0), T0, T0, 0)).toBe(true);
  });
});

describe('the sender stamp file', () => {
  const temp = useTempDir();

  it('round-trips a time; missing or foreign content reads as never', () => {
    const file = join(temp.path, 'state', 'sender.started');
    expect(readSenderStamp(file)).toBeUndefined();
    writeSenderStamp(file, T0);
    expect(readSenderStamp(file)).toBe(T0);
    writeFileSync(file, 'not a time\n');
    expect(readSenderStamp(file)).toBeUndefined();
  });
});

describe('isSpoolSenderDue', () => {
  const temp = useTempDir();

  it("answers from the spool's queued times, the last start and the sender's last pass", () => {
    const spoolPath = join(temp.path, 'spool.jsonl');
    const throttle: SenderThrottle = {
      intervalMs: MINUTE,
      batchEvents: DEFAULT_SENDER_BATCH_EVENTS,
      stampFile: join(temp.path, 'sender.started'),
    };
    const spool = openSpool(spoolPath, undefined, { now: () => T0 });
    expect(isSpoolSenderDue(spool, throttle, T0)).toBe(false);
    spool.append(queued(DEFAULT_SENDER_BATCH_EVENTS, T0));
    expect(isSpoolSenderDue(spool, throttle, T0)).toBe(true);
    writeSenderStamp(throttle.stampFile, T0);
    // A batch that no sender tried yet: due at once, however recent the start.
    expect(isSpoolSenderDue(spool, throttle, T0 + 1000)).toBe(true);
    // The sender began its pass after they were queued (and kept them: the endpoint failed): due a minute after
    // the start, not before.
    writeSenderStamp(spoolTriedFile(spoolPath), T0 + 1);
    expect(isSpoolSenderDue(spool, throttle, T0 + 1000)).toBe(false);
    expect(isSpoolSenderDue(spool, throttle, T0 + MINUTE)).toBe(true);
  });
});

describe('isSpoolSenderDue on a large spool', () => {
  const temp = useTempDir();

  // It reads only the newest events: 900 that the last pass tried and kept must neither hide new ones nor count.
  it('900 tried events and new ones: 19 wait, 20 are due; one queued a minute ago is due', () => {
    const throttle: SenderThrottle = {
      intervalMs: MINUTE,
      batchEvents: DEFAULT_SENDER_BATCH_EVENTS,
      stampFile: join(temp.path, 'sender.started'),
    };
    const spoolWith = (name: string, fresh: SpooledEvent[]) => {
      const spool = openSpool(join(temp.path, `${name}.jsonl`));
      spool.append([...queued(900, T0 - 5 * MINUTE), ...fresh]);
      writeSenderStamp(spoolTriedFile(spool.path), T0 - 4000);
      return spool;
    };
    const fresh = (n: number, at: number) => queued(n, at).map((e) => ({ ...e, uuid: `new-${e.uuid}` }));
    writeSenderStamp(throttle.stampFile, T0 - 5000);
    expect(isSpoolSenderDue(spoolWith('none', []), throttle, T0)).toBe(false);
    expect(isSpoolSenderDue(spoolWith('19', fresh(19, T0 - 1000)), throttle, T0)).toBe(false);
    expect(isSpoolSenderDue(spoolWith('20', fresh(20, T0 - 1000)), throttle, T0)).toBe(true);
    // Queued after the pass began; a sender started since (and failed before its pass). A minute after it was
    // queued, less than a minute after that start: due for its age alone.
    const old = spoolWith('old', fresh(1, T0 - 3000));
    writeSenderStamp(throttle.stampFile, T0 - 2000);
    expect(isSpoolSenderDue(old, throttle, T0 - 3000 + MINUTE - 1)).toBe(false);
    expect(isSpoolSenderDue(old, throttle, T0 - 3000 + MINUTE)).toBe(true);
  });
});

describe('startDetachedSender with a throttle', () => {
  const temp = useTempDir();

  function setup() {
    const spoolPath = join(temp.path, 'spool.jsonl');
    const throttle: SenderThrottle = {
      intervalMs: MINUTE,
      batchEvents: DEFAULT_SENDER_BATCH_EVENTS,
      stampFile: join(temp.path, 'sender.started'),
    };
    // An entry that exits at once: the child has a pid, sends nothing.
    const entry = join(temp.path, 'entry.mjs');
    writeFileSync(entry, '');
    const config = {
      spoolPath,
      pidFile: join(temp.path, 'sender.pid'),
      host: 'http://127.0.0.1:9',
      apiKey: 'k',
      capMs: 1000,
    };
    return { spoolPath, throttle, entry, config };
  }

  it('starts one and records the start; a second run within 60 s starts none; 60 s later it starts one', () => {
    const { spoolPath, throttle, entry, config } = setup();
    openSpool(spoolPath, undefined, { now: () => T0 }).append(queued(1, T0));
    expect(startDetachedSender(config, entry, {}, { throttle, now: () => T0 })).toBeGreaterThan(0);
    expect(readSenderStamp(throttle.stampFile)).toBe(T0);
    expect(startDetachedSender(config, entry, {}, { throttle, now: () => T0 + 1000 })).toBeUndefined();
    expect(readSenderStamp(throttle.stampFile)).toBe(T0);
    expect(startDetachedSender(config, entry, {}, { throttle, now: () => T0 + MINUTE })).toBeGreaterThan(0);
    expect(readSenderStamp(throttle.stampFile)).toBe(T0 + MINUTE);
  });

  it('an empty spool starts nothing and records nothing', () => {
    const { throttle, entry, config } = setup();
    expect(startDetachedSender(config, entry, {}, { throttle, now: () => T0 })).toBeUndefined();
    expect(existsSync(throttle.stampFile)).toBe(false);
  });
});
