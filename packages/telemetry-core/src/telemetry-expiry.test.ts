import { describe, expect, it, vi } from 'vitest';
import { defineCatalog, defineEvent, type IsoDate, prop } from './catalog.js';
import type { OutgoingEvent } from './envelope.js';
import type { LogEntry } from './ports.js';
import { createTelemetry } from './telemetry.js';
import { CONSENT_ON } from './testing/consent.js';
import { createMemorySender } from './testing/memory-sender.js';

// SPEC §5: an event whose `expires` date is before today (UTC, by the injected clock) is never sent.
const governance = { owner: '@test/owners', question: 'q?', added: '1.0.0' } as const;
const dated = <const N extends string>(name: N, date: IsoDate) =>
  defineEvent({ name, purpose: name, version: 1, ...governance, expires: { date }, properties: {} });

const catalog = defineCatalog({
  consentVersion: 1,
  common: { event_version: prop.count('v'), session_id: prop.id('s') },
  neverCollected: [],
  events: [
    defineEvent({
      name: 'expired_yesterday',
      purpose: 'p',
      version: 3,
      ...governance,
      expires: { date: '2026-01-01' },
      properties: { command: prop.enum(['init'], 'c') },
    }),
    dated('expires_today', '2026-01-02'),
    dated('expires_tomorrow', '2026-01-03'),
    defineEvent({
      name: 'lifecycle',
      purpose: 'p',
      version: 1,
      ...governance,
      expires: { never: 'a lifecycle event' },
      properties: {},
    }),
    defineEvent({
      name: 'expired_signup',
      purpose: 'p',
      version: 1,
      ...governance,
      expires: { date: '2025-12-31' },
      explicit: true,
      properties: {},
      personProperties: { email: { description: 'email', pattern: /^[^@\s]+@[^@\s]+$/ } },
    }),
  ],
});

const JAN_2 = Date.UTC(2026, 0, 2, 3, 4, 5);

function setup(clock: { now: number }, preview?: (event: OutgoingEvent) => void) {
  let n = 0;
  const sender = createMemorySender();
  const identity = vi.fn(() => 'install-1');
  const log: LogEntry[] = [];
  const telemetry = createTelemetry({
    catalog,
    consent: () => CONSENT_ON,
    identity,
    sender,
    common: {},
    sessionId: 'session-1',
    now: () => clock.now,
    uuid: () => `uuid-${++n}`,
    localLog: { record: (entries) => log.push(...entries) },
    flushIntervalMs: 0,
    preview,
  });
  return { telemetry, sender, identity, log };
}

describe('expired events (fixed clock)', () => {
  it('an event whose expiry date has passed is never sent: logged as dropped, `expired`, without asking identity', async () => {
    const { telemetry, sender, identity, log } = setup({ now: JAN_2 });
    telemetry.track('expired_yesterday', { command: 'init' });
    expect(identity).not.toHaveBeenCalled();
    expect(telemetry.status()).toMatchObject({ queued: 0, droppedExpired: 1 });
    expect(log).toEqual([
      {
        time: '2026-01-02T03:04:05.000Z',
        uuid: 'uuid-1',
        event: 'expired_yesterday',
        status: 'dropped',
        reason: 'expired',
        properties: { event_version: 3, session_id: 'session-1', command: 'init' },
      },
    ]);
    await telemetry.flush();
    await telemetry.shutdown(100);
    expect(sender.events).toEqual([]);
  });

  it('an event expiring today or later, or never, is still sent', async () => {
    const { telemetry, sender, log } = setup({ now: JAN_2 });
    telemetry.track('expires_today');
    telemetry.track('expires_tomorrow');
    telemetry.track('lifecycle');
    await telemetry.flush();
    expect(sender.events.map((e) => e.event)).toEqual(['expires_today', 'expires_tomorrow', 'lifecycle']);
    expect(log.map((e) => e.status)).toEqual(['sent', 'sent', 'sent']);
    expect(telemetry.status().droppedExpired).toBe(0);
  });

  it('expires at the first UTC midnight after its date, as the clock moves within one process', async () => {
    const clock = { now: Date.UTC(2026, 0, 2, 23, 59, 59, 999) };
    const { telemetry, sender, log } = setup(clock);
    telemetry.track('expires_today');
    clock.now += 1;
    telemetry.track('expires_today');
    await telemetry.flush();
    expect(sender.events.map((e) => e.timestamp)).toEqual(['2026-01-02T23:59:59.999Z']);
    expect(log.map((e) => [e.status, e.reason])).toEqual([
      ['dropped', 'expired'],
      ['sent', undefined],
    ]);
  });

  it('is not previewed either: preview shows only what would be sent', () => {
    const previewed: OutgoingEvent[] = [];
    const { telemetry, log } = setup({ now: JAN_2 }, (event) => previewed.push(event));
    telemetry.track('expired_yesterday');
    telemetry.track('expires_today');
    expect(previewed.map((e) => e.event)).toEqual(['expires_today']);
    expect(log.map((e) => [e.event, e.status])).toEqual([
      ['expired_yesterday', 'dropped'],
      ['expires_today', 'preview'],
    ]);
  });

  it('an expired explicit event is not sent either, and what was submitted is not logged', async () => {
    const { telemetry, sender, log } = setup({ now: JAN_2 });
    const sent = await telemetry.submitExplicit('expired_signup', {
      set: { email: 'a@example.com' },
      distinctIdWhenDisabled: 'a@example.com',
    });
    expect(sent).toBe(false);
    expect(sender.events).toEqual([]);
    expect(log).toEqual([expect.objectContaining({ event: 'expired_signup', status: 'dropped', properties: {} })]);
    expect(JSON.stringify(log)).not.toContain('a@example.com');
  });
});
