import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';
import type { OutgoingEvent } from '../../envelope.js';
import type { LocalLog, LogEntry } from '../../ports.js';
import { createMemorySender } from '../../testing/memory-sender.js';
import { readLocalLog } from '../local-log.js';
import { deliverSpool } from './delivery-pass.js';
import { openSpool } from './disk-spool.js';
import { EXPLICIT_RETRY_BOUNDS } from './retry-bounds.js';
import { senderEnvironment, startDetachedSender } from './sender-launcher.js';

const temp = useTempDir();
const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2026-03-01T12:00:00.000Z');

const signup = (uuid: string, at = T0): OutgoingEvent => ({
  uuid,
  event: 'newsletter_signup',
  distinctId: 'a@example.com',
  timestamp: new Date(at).toISOString(),
  properties: { $set: { email: 'a@example.com' } },
});

function memoryLog(): LocalLog & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return { entries, record: (added) => entries.push(...added) };
}

// A fake clock, a spool on it, and a sender that always fails retryably (an endpoint answering 500).
function world() {
  let clock = T0;
  const now = () => clock;
  const spool = openSpool(join(temp.path, 'explicit-spool.jsonl'), undefined, { now });
  const sender = createMemorySender();
  const attempts: string[][] = [];
  const failing = {
    async send(events: readonly OutgoingEvent[]) {
      attempts.push(events.map((e) => e.uuid));
      sender.failNext();
      await sender.send(events);
    },
  };
  const log = memoryLog();
  // One pass per sender process: a fresh `attempted` set each time, as a new CLI run starts a new sender.
  const pass = () =>
    deliverSpool({
      spool,
      sender: failing,
      deadlineAt: clock + 10_000,
      now,
      localLog: log,
      bounds: EXPLICIT_RETRY_BOUNDS,
    });
  return { spool, attempts, log, pass, advance: (ms: number) => (clock += ms) };
}

describe('retry bounds of explicit submissions (SPEC §6: 7 days or 20 attempts)', () => {
  it('counts each attempt in the spool, and drops and logs the event after its 20th failed attempt', async () => {
    const w = world();
    w.spool.append([signup('s1')]);
    expect(w.spool.read()[0]?.queuedAt).toBe(new Date(T0).toISOString());
    for (let i = 1; i <= 19; i += 1) {
      const report = await w.pass();
      expect(report).toMatchObject({ sent: 0, dropped: 0, kept: 1 });
      expect(w.spool.read()[0]?.attempts).toBe(i);
      w.advance(60_000);
    }
    const last = await w.pass();
    expect(last).toMatchObject({ sent: 0, dropped: 1, kept: 0 });
    expect(w.attempts).toHaveLength(20);
    expect(w.spool.isEmpty()).toBe(true);
    expect(w.spool.dropped()).toBe(1);
    expect(w.log.entries).toEqual([
      expect.objectContaining({ uuid: 's1', status: 'dropped', reason: 'bound: not delivered after 20 attempts' }),
    ]);
    // Nothing is left to try: a later pass sends nothing.
    await w.pass();
    expect(w.attempts).toHaveLength(20);
  });

  it('drops an event 7 days after it was queued, without trying it again', async () => {
    const w = world();
    w.spool.append([signup('s2')]);
    await w.pass();
    w.advance(7 * DAY - 1);
    await w.pass();
    expect(w.attempts).toHaveLength(2);
    expect(w.spool.read()[0]?.attempts).toBe(2);
    w.advance(1);
    const report = await w.pass();
    expect(report).toMatchObject({ sent: 0, dropped: 1, kept: 0 });
    expect(w.attempts).toHaveLength(2);
    expect(w.spool.isEmpty()).toBe(true);
    expect(w.log.entries).toEqual([
      expect.objectContaining({
        uuid: 's2',
        status: 'dropped',
        reason: 'expired: not delivered within 7 days of being queued',
        time: new Date(T0 + 7 * DAY).toISOString(),
      }),
    ]);
  });

  it('reads lines written before the bookkeeping existed: aged from their timestamp, attempts from 0', async () => {
    const w = world();
    const old = signup('old', T0 - 8 * DAY);
    const recent = signup('recent', T0 - DAY);
    writeFileSync(w.spool.path, `${JSON.stringify(old)}\n${JSON.stringify(recent)}\n`);
    await w.pass();
    expect(w.attempts).toEqual([['recent']]);
    expect(w.spool.read()).toEqual([{ ...recent, attempts: 1 }]);
    expect(w.log.entries.map((e) => [e.uuid, e.reason])).toEqual([
      ['old', 'expired: not delivered within 7 days of being queued'],
    ]);
  });

  it('hands the sender the event without the spool bookkeeping, and counts nothing without bounds', async () => {
    const spool = openSpool(join(temp.path, 'tracked.jsonl'));
    const sender = createMemorySender();
    sender.failNext();
    spool.append([signup('t1')]);
    await deliverSpool({ spool, sender, deadlineAt: Date.now() + 10_000 });
    expect(spool.read()[0]?.attempts).toBeUndefined();
    await deliverSpool({ spool, sender, deadlineAt: Date.now() + 10_000, bounds: EXPLICIT_RETRY_BOUNDS });
    expect(sender.events).toEqual([signup('t1')]);
    expect(spool.isEmpty()).toBe(true);
  });

  it('starts no sender for a spool that only holds events past their bounds; they are dropped and logged first', () => {
    const spoolPath = join(temp.path, 'explicit-spool.jsonl');
    const logPath = join(temp.path, 'events.jsonl');
    writeFileSync(
      spoolPath,
      `${JSON.stringify({ ...signup('tried'), queuedAt: new Date().toISOString(), attempts: 20 })}\n${JSON.stringify(signup('aged', Date.now() - 8 * DAY))}\n`,
    );
    const config = {
      spoolPath,
      pidFile: join(temp.path, 'explicit-sender.pid'),
      logPath,
      host: 'http://127.0.0.1:9',
      apiKey: 'phc_test',
      capMs: 1000,
      bounds: EXPLICIT_RETRY_BOUNDS,
    };
    // The entry file does not exist: had a child been spawned, it would have a pid all the same.
    expect(startDetachedSender(config, join(temp.path, 'no-such-entry.js'))).toBeUndefined();
    expect(openSpool(spoolPath).isEmpty()).toBe(true);
    expect(openSpool(spoolPath).dropped()).toBe(2);
    expect(readLocalLog(logPath).map((e) => [e.uuid, e.status, e.reason])).toEqual([
      ['tried', 'dropped', 'bound: not delivered after 20 attempts'],
      ['aged', 'dropped', 'expired: not delivered within 7 days of being queued'],
    ]);
  });
});

describe("the detached sender's environment", () => {
  const parent = {
    NODE_EXTRA_CA_CERTS: '/etc/corp/ca.pem',
    SSL_CERT_FILE: '/etc/ssl/cert.pem',
    SSL_CERT_DIR: '',
    SystemRoot: 'C:\\Windows',
    NODE_OPTIONS: '--require /tmp/evil.js',
    AWS_SECRET_ACCESS_KEY: 'secret',
    PATH: '/usr/bin',
  };

  it('holds only the allow-listed variables that are set, never NODE_OPTIONS', () => {
    expect(senderEnvironment(parent, 'linux')).toEqual({
      NODE_EXTRA_CA_CERTS: '/etc/corp/ca.pem',
      SSL_CERT_FILE: '/etc/ssl/cert.pem',
    });
  });

  it('adds SystemRoot on Windows only', () => {
    expect(senderEnvironment(parent, 'win32')).toEqual({
      NODE_EXTRA_CA_CERTS: '/etc/corp/ca.pem',
      SSL_CERT_FILE: '/etc/ssl/cert.pem',
      SystemRoot: 'C:\\Windows',
    });
  });
});
