import { describe, expect, it, vi } from 'vitest';
import type { ConsentDecision } from './consent.js';
import { DeliveryError } from './delivery-error.js';
import type { OutgoingEvent } from './envelope.js';
import { ephemeralIdentity } from './identity.js';
import type { LogEntry } from './ports.js';
import { createTelemetry, type TelemetryOptions } from './telemetry.js';
import { CONSENT_OFF, CONSENT_ON } from './testing/consent.js';
import { createMemorySender } from './testing/memory-sender.js';
import { testCatalog } from './testing/test-catalog.js';

const SESSION = '11111111-1111-4111-8111-111111111111';
const CONSENT_LOCAL: ConsentDecision = {
  enabled: false,
  mode: 'local',
  source: 'user-config',
  reason: 'set to local only (nothing is sent) by your choice in config.json',
  lockedBy: null,
};

function setup(overrides: Partial<TelemetryOptions<typeof testCatalog>> = {}) {
  let consent = CONSENT_ON;
  let n = 0;
  const sender = createMemorySender();
  const identity = vi.fn(() => 'install-1');
  const log: LogEntry[] = [];
  const telemetry = createTelemetry({
    catalog: testCatalog,
    consent: () => consent,
    identity,
    sender,
    common: { product_version: '1.0.0', source: 'cli', secret: 'dropped' },
    sessionId: SESSION,
    now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
    uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    localLog: { record: (entries) => log.push(...entries) },
    flushIntervalMs: 0,
    ...overrides,
  });
  return { telemetry, sender, identity, log, setConsent: (c: ConsentDecision) => (consent = c) };
}

describe('createTelemetry', () => {
  it('logs each event once its fate is known, with its properties', async () => {
    const { telemetry, log } = setup();
    telemetry.track('cmd', { command: 'init' });
    expect(log).toEqual([]);
    await telemetry.flush();
    expect(log).toEqual([
      {
        time: '2026-01-02T03:04:05.000Z',
        uuid: '00000000-0000-4000-8000-000000000001',
        event: 'cmd',
        status: 'sent',
        reason: undefined,
        properties: expect.objectContaining({ command: 'init' }),
      },
    ]);
  });

  it('builds the envelope from sanitised properties, common properties and the session id', async () => {
    const { telemetry, sender } = setup();
    telemetry.track('cmd', { command: 'init', duration_ms: 5.4 });
    await telemetry.flush();
    expect(sender.events).toEqual<OutgoingEvent[]>([
      {
        uuid: '00000000-0000-4000-8000-000000000001',
        event: 'cmd',
        distinctId: 'install-1',
        timestamp: '2026-01-02T03:04:05.000Z',
        properties: {
          product_version: '1.0.0',
          source: 'cli',
          command: 'init',
          duration_ms: 5,
          event_version: 2,
          session_id: SESSION,
        },
      },
    ]);
  });

  it('is inert while disabled: no identity read, nothing queued, sent or logged', async () => {
    const { telemetry, sender, identity, log, setConsent } = setup();
    setConsent(CONSENT_OFF);
    telemetry.track('cmd', { command: 'init' });
    await telemetry.flush();
    await telemetry.shutdown();
    expect(identity).not.toHaveBeenCalled();
    expect(sender.batches).toEqual([]);
    expect(log).toEqual([]);
  });

  it('local mode builds each event as for on and records it as local: no identity, nothing queued or sent', async () => {
    const { telemetry, sender, identity, log, setConsent } = setup();
    setConsent(CONSENT_LOCAL);
    telemetry.track('cmd', { command: 'init', duration_ms: 5.4, nope: 1 } as never);
    expect(telemetry.status().queued).toBe(0);
    await telemetry.flush();
    await telemetry.shutdown();
    expect(identity).not.toHaveBeenCalled();
    expect(sender.batches).toEqual([]);
    expect(log).toEqual<LogEntry[]>([
      {
        time: '2026-01-02T03:04:05.000Z',
        uuid: '00000000-0000-4000-8000-000000000001',
        event: 'cmd',
        status: 'local',
        reason: undefined,
        properties: {
          event_version: 2,
          product_version: '1.0.0',
          source: 'cli',
          session_id: SESSION,
          command: 'init',
          duration_ms: 5,
        },
      },
    ]);
    expect(JSON.stringify(log)).not.toContain('install-1');
    expect(telemetry.status().droppedProperties).toBe(1);
  });

  it('a switch from on to local drops the queue; from local to on or off behaves as those modes do', async () => {
    const { telemetry, sender, identity, log, setConsent } = setup();
    telemetry.track('cmd', { command: 'init' });
    setConsent(CONSENT_LOCAL);
    telemetry.track('cmd', { command: 'start' });
    await telemetry.flush();
    expect(sender.batches).toEqual([]);
    expect(log.map((e) => [e.uuid.slice(-1), e.status, e.reason])).toEqual([
      ['1', 'dropped', 'consent withdrawn'],
      ['2', 'local', undefined],
    ]);
    setConsent(CONSENT_OFF);
    telemetry.track('cmd');
    expect(log).toHaveLength(2);
    setConsent(CONSENT_ON);
    telemetry.track('cmd');
    await telemetry.flush();
    // Asked for the first event (on) and the last (on again), never in local or off mode.
    expect(identity).toHaveBeenCalledTimes(2);
    expect(sender.events.map((e) => [e.uuid.slice(-1), e.distinctId])).toEqual([['3', 'install-1']]);
  });

  it('announces a change of mode to listeners even when enabled stays false', () => {
    const { telemetry, setConsent } = setup();
    const modes: string[] = [];
    telemetry.onConsentChange((d) => modes.push(d.mode));
    telemetry.track('cmd');
    setConsent(CONSENT_LOCAL);
    telemetry.track('cmd');
    setConsent(CONSENT_OFF);
    telemetry.track('cmd');
    setConsent(CONSENT_ON);
    telemetry.track('cmd');
    expect(modes).toEqual(['local', 'off', 'on']);
  });

  it('drops the queue when consent is withdrawn between track and flush', async () => {
    const { telemetry, sender, log, setConsent } = setup();
    telemetry.track('cmd', { command: 'init' });
    telemetry.track('cmd', { command: 'start' });
    setConsent(CONSENT_OFF);
    await telemetry.flush();
    expect(sender.batches).toEqual([]);
    expect(telemetry.status().droppedByConsent).toBe(2);
    expect(log.filter((e) => e.status === 'dropped')).toHaveLength(2);
  });

  it('ephemeral mode gives every event a fresh id and stores nothing', async () => {
    const { telemetry, sender } = setup({ identity: ephemeralIdentity() });
    telemetry.track('cmd');
    telemetry.track('cmd');
    await telemetry.flush();
    const [first, second] = sender.events.map((e) => e.distinctId);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).toMatch(/^[0-9a-f-]{36}$/);
    expect(first).not.toBe(second);
  });

  it('sends no session_id when the session id is undefined (ephemeral identity)', async () => {
    const { telemetry, sender } = setup({ identity: ephemeralIdentity(), sessionId: undefined });
    telemetry.track('cmd', { command: 'init' });
    telemetry.track('cmd', { command: 'start' });
    await telemetry.submitExplicit('signup', { set: { email: 'a@example.com' }, distinctIdWhenDisabled: 'x' });
    await telemetry.flush();
    expect(sender.events).toHaveLength(3);
    for (const event of sender.events) expect(event.properties).not.toHaveProperty('session_id');
    expect(new Set(sender.events.map((e) => e.distinctId)).size).toBe(3);
  });

  it('sends nothing without an identity', async () => {
    const { telemetry, sender } = setup({ identity: () => undefined });
    telemetry.track('cmd', { command: 'init' });
    await telemetry.flush();
    expect(sender.batches).toEqual([]);
  });

  it('flushes when flushAt events are queued and bounds the queue', async () => {
    const { telemetry, sender } = setup({ flushAt: 3, maxQueueSize: 5 });
    telemetry.track('cmd');
    telemetry.track('cmd');
    expect(sender.batches).toHaveLength(0);
    telemetry.track('cmd');
    await telemetry.flush();
    expect(sender.events).toHaveLength(3);
  });

  it('counts capacity drops', () => {
    const { telemetry } = setup({ flushAt: 100, maxQueueSize: 2 });
    for (let i = 0; i < 5; i += 1) telemetry.track('cmd');
    expect(telemetry.status()).toMatchObject({ queued: 2, droppedByCapacity: 3 });
  });

  it('refuses explicit events through track and unknown events at run time', async () => {
    const { telemetry, sender } = setup();
    // @ts-expect-error explicit events cannot be tracked
    telemetry.track('signup', {});
    // @ts-expect-error unknown events are a type error
    telemetry.track('nope');
    // @ts-expect-error unknown properties are a type error
    telemetry.track('cmd', { path: '/home/alice' });
    await telemetry.flush();
    expect(sender.events.map((e) => e.event)).toEqual(['cmd']);
    expect(sender.events[0]?.properties).not.toHaveProperty('path');
  });

  it('keys an explicit submission by the identity when enabled', async () => {
    const { telemetry, sender } = setup();
    const ok = await telemetry.submitExplicit('signup', {
      set: { email: 'a@example.com', name: 'dropped' },
      properties: { source: 'cli_init' },
      distinctIdWhenDisabled: 'a@example.com',
    });
    expect(ok).toBe(true);
    expect(sender.events[0]).toMatchObject({
      distinctId: 'install-1',
      properties: { source: 'cli_init', session_id: SESSION, $set: { email: 'a@example.com' } },
    });
    expect(sender.events[0]?.properties.$set).toEqual({ email: 'a@example.com' });
  });

  it('keys an explicit submission by the email, with no telemetry property, when disabled', async () => {
    const { telemetry, sender, identity, setConsent } = setup();
    setConsent(CONSENT_OFF);
    await telemetry.submitExplicit('signup', {
      set: { email: 'a@example.com' },
      properties: { source: 'cli_init' },
      distinctIdWhenDisabled: 'a@example.com',
    });
    expect(identity).not.toHaveBeenCalled();
    expect(sender.events[0]).toMatchObject({ distinctId: 'a@example.com' });
    expect(sender.events[0]?.properties).toEqual({ source: 'cli_init', $set: { email: 'a@example.com' } });
  });

  it('keys a keyed submission by its id alone, whatever consent says, with nothing else on it', async () => {
    for (const consent of [CONSENT_ON, CONSENT_OFF, CONSENT_LOCAL]) {
      const { telemetry, sender, identity, log, setConsent } = setup();
      setConsent(consent);
      expect(await telemetry.submitExplicit('forget', { keyedBy: 'old-id' })).toBe(true);
      expect(identity).not.toHaveBeenCalled();
      expect(sender.events).toEqual([
        {
          uuid: '00000000-0000-4000-8000-000000000001',
          event: 'forget',
          distinctId: 'old-id',
          timestamp: '2026-01-02T03:04:05.000Z',
          properties: {},
        },
      ]);
      expect(log.map((e) => [e.event, e.status])).toEqual([['forget', 'sent']]);
    }
  });

  it('refuses a keyed submission for an event that sets person properties, or without an id', async () => {
    const { telemetry, sender } = setup();
    expect(await telemetry.submitExplicit('signup', { keyedBy: 'old-id' })).toBe(false);
    expect(await telemetry.submitExplicit('forget', { keyedBy: '' })).toBe(false);
    expect(sender.batches).toEqual([]);
  });

  it('discard drops what is queued, logged with its reason, and nothing of it is sent', async () => {
    const { telemetry, sender, log } = setup();
    telemetry.track('cmd');
    telemetry.track('cmd');
    expect(telemetry.discard('forgotten')).toBe(2);
    await telemetry.flush();
    expect(sender.batches).toEqual([]);
    expect(log.map((e) => [e.status, e.reason])).toEqual([
      ['dropped', 'forgotten'],
      ['dropped', 'forgotten'],
    ]);
  });

  it('refuses an explicit submission whose person properties do not validate', async () => {
    const { telemetry, sender } = setup();
    const ok = await telemetry.submitExplicit('signup', {
      set: { email: 'not an email' },
      distinctIdWhenDisabled: 'x',
    });
    expect(ok).toBe(false);
    expect(sender.batches).toEqual([]);
  });

  it('preview mode hands events over and sends nothing', async () => {
    const previewed: OutgoingEvent[] = [];
    const { telemetry, sender } = setup({ preview: (e) => previewed.push(e) });
    telemetry.track('cmd', { command: 'start' });
    await telemetry.shutdown();
    expect(previewed.map((e) => e.event)).toEqual(['cmd']);
    expect(sender.batches).toEqual([]);
  });

  it('never throws from track, even when consent or the sender fail', async () => {
    const { telemetry, sender } = setup({
      consent: () => {
        throw new Error('boom');
      },
    });
    expect(() => telemetry.track('cmd')).not.toThrow();
    sender.failNext();
    await expect(telemetry.flush()).resolves.toBeUndefined();
  });

  it('keeps a batch that failed, retries it only after a backoff, and sends it once with its uuid', async () => {
    let clock = Date.UTC(2026, 0, 2, 3, 4, 5);
    const { telemetry, sender, log } = setup({ now: () => clock, retryBackoffMs: 1000 });
    sender.failNext();
    telemetry.track('cmd', { command: 'init' });
    await telemetry.flush();
    expect(telemetry.status()).toMatchObject({ queued: 1, failedAttempts: 1, sent: 0, failed: 0 });
    expect(log).toEqual([]);
    telemetry.track('cmd', { command: 'start' });
    clock += 700; // inside the first pause (1 s, ± 25 %)
    await telemetry.flush();
    expect(sender.batches).toEqual([]);
    clock += 600;
    await telemetry.flush();
    expect(sender.events.map((e) => [e.uuid.slice(-1), e.properties.command])).toEqual([
      ['1', 'init'],
      ['2', 'start'],
    ]);
    expect(telemetry.status()).toMatchObject({ queued: 0, failedAttempts: 0, sent: 2 });
    expect(log.map((e) => e.status)).toEqual(['sent', 'sent']);
  });

  it('doubles the pause after each failure in a row', async () => {
    let clock = 0;
    const { telemetry, sender } = setup({ now: () => clock, retryBackoffMs: 1000, flushIntervalMs: 60_000 });
    sender.failNext(2);
    telemetry.track('cmd');
    await telemetry.flush(); // failure 1: pause 0.75–1.25 s
    clock += 1300;
    await telemetry.flush(); // failure 2: pause 1.5–2.5 s
    clock += 1400;
    await telemetry.flush();
    expect(sender.events).toEqual([]);
    clock += 1200;
    await telemetry.flush();
    expect(sender.events).toHaveLength(1);
    await telemetry.shutdown();
  });

  it('drops a batch the endpoint refused for good, without retrying, and says so in the log', async () => {
    const { telemetry, sender, log } = setup();
    sender.failNext(1, new DeliveryError('400', false));
    telemetry.track('cmd');
    await telemetry.flush();
    await telemetry.flush();
    expect(sender.batches).toEqual([]);
    expect(telemetry.status()).toMatchObject({ queued: 0, refused: 1, failedAttempts: 0 });
    expect(log.map((e) => [e.status, e.reason])).toEqual([['dropped', 'refused by the endpoint']]);
  });

  it('stays bounded through an outage: the oldest events are dropped, counted and logged as such', async () => {
    let clock = 0;
    const { telemetry, sender, log } = setup({ now: () => clock, maxQueueSize: 2, flushAt: 1 });
    sender.failNext(100);
    for (let i = 0; i < 3; i += 1) telemetry.track('cmd');
    await telemetry.flush();
    expect(telemetry.status()).toMatchObject({ queued: 2, droppedByCapacity: 1, capacity: 2 });
    expect(log.map((e) => [e.status, e.reason, e.uuid.slice(-1)])).toEqual([['dropped', 'queue full', '1']]);
    sender.failNext(0);
    clock += 60_000;
    await telemetry.flush();
    expect(sender.events.map((e) => e.uuid.slice(-1))).toEqual(['2', '3']);
  });

  it('restore queues events tracked earlier with their own uuids, or drops and logs them while consent is off', async () => {
    const earlier = {
      uuid: '00000000-0000-4000-8000-00000000abcd',
      event: 'cmd',
      distinctId: 'install-1',
      timestamp: '2026-01-01T00:00:00.000Z',
      properties: { command: 'init' },
    };
    const on = setup();
    on.telemetry.restore([earlier]);
    await on.telemetry.flush();
    expect(on.sender.events).toEqual([earlier]);
    const off = setup();
    off.setConsent(CONSENT_OFF);
    off.telemetry.restore([earlier]);
    await off.telemetry.flush();
    expect(off.sender.events).toEqual([]);
    expect(off.log.map((e) => [e.uuid, e.status, e.reason])).toEqual([[earlier.uuid, 'dropped', 'consent withdrawn']]);
  });

  it('notices a withdrawal by polling, drops the queue and tells listeners', async () => {
    vi.useFakeTimers();
    try {
      const { telemetry, setConsent } = setup({ consentPollMs: 1000 });
      const changes: boolean[] = [];
      telemetry.onConsentChange((d) => changes.push(d.enabled));
      telemetry.track('cmd');
      setConsent(CONSENT_OFF);
      await vi.advanceTimersByTimeAsync(1000);
      expect(changes).toEqual([false]);
      expect(telemetry.status().queued).toBe(0);
      setConsent(CONSENT_ON);
      await vi.advanceTimersByTimeAsync(1000);
      expect(changes).toEqual([false, true]);
      await telemetry.shutdown();
    } finally {
      vi.useRealTimers();
    }
  });

  it('coalesces flushes behind a hanging send instead of chaining one per event', async () => {
    let calls = 0;
    const hanging = {
      send: () => {
        calls += 1;
        return new Promise<void>(() => {});
      },
    };
    const { telemetry } = setup({ sender: hanging, flushAt: 1, maxQueueSize: 100 });
    for (let i = 0; i < 10_000; i += 1) telemetry.track('cmd');
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toBe(1);
    expect(telemetry.status()).toMatchObject({ queued: 100, droppedByCapacity: 9899 });
  });

  it('shutdown gives up at its deadline when the sender hangs, and keeps or drops what it cut off', async () => {
    // Like the PostHog sender: close() aborts the request in flight, and a closed sender refuses at once.
    let abort: (error: Error) => void = () => {};
    let closed = false;
    const hanging = {
      send: () =>
        closed ? Promise.reject(new Error('closed')) : new Promise<void>((_resolve, reject) => (abort = reject)),
      close: async () => {
        closed = true;
        abort(new Error('aborted at the deadline'));
      },
    };
    const kept: OutgoingEvent[] = [];
    const keeping = setup({
      sender: hanging,
      flushAt: 1,
      keepUndelivered: (events) => kept.push(...events) > 0,
    });
    keeping.telemetry.track('cmd', { command: 'init' });
    keeping.telemetry.track('cmd', { command: 'start' });
    const started = Date.now();
    await keeping.telemetry.shutdown(300);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(kept.map((e) => e.properties.command)).toEqual(['init', 'start']);
    expect(keeping.log.map((e) => [e.status, e.reason, e.properties?.command])).toEqual([
      ['queued', 'kept for the next start', 'init'],
      ['queued', 'kept for the next start', 'start'],
    ]);
    expect(keeping.telemetry.status()).toMatchObject({ kept: 2, failed: 0 });

    // Without a place to keep them (or when keeping fails), they are dropped and logged as such.
    closed = false;
    const failing = setup({
      sender: hanging,
      flushAt: 1,
      keepUndelivered: () => {
        throw new Error('disk full');
      },
    });
    failing.telemetry.track('cmd', { command: 'init' });
    await failing.telemetry.shutdown(300);
    expect(failing.log.map((e) => [e.status, e.reason])).toEqual([['dropped', 'shutdown deadline reached']]);
  });
});
