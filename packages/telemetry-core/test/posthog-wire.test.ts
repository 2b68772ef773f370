import { gunzipSync } from 'node:zlib';
import { auditDelivery, type Sink, startSink } from '@elmo/posthog-sink';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsentDecision } from '../src/consent.js';
import { createPostHogSender } from '../src/node/posthog-sender.js';
import { createTelemetry } from '../src/telemetry.js';
import { CONSENT_OFF, CONSENT_ON } from '../src/testing/consent.js';
import { testCatalog } from '../src/testing/test-catalog.js';

const SESSION = '11111111-1111-4111-8111-111111111111';
const FIXED_NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

let sink: Sink;
beforeEach(async () => {
  sink = await startSink();
});
afterEach(async () => {
  vi.useRealTimers();
  await sink.close();
});

function client(
  options: {
    consent?: () => ConsentDecision;
    retryDelayMs?: number;
    maxBatchSize?: number;
    now?: () => number;
    retryBackoffMs?: number;
  } = {},
) {
  let n = 0;
  return createTelemetry({
    catalog: testCatalog,
    consent: options.consent ?? (() => CONSENT_ON),
    identity: () => 'install-1',
    sender: createPostHogSender({
      host: sink.url,
      apiKey: 'phc_test',
      retryDelayMs: options.retryDelayMs ?? 50,
      maxBatchSize: options.maxBatchSize,
    }),
    common: { product_version: '1.2.3', source: 'cli' },
    sessionId: SESSION,
    now: options.now ?? (() => FIXED_NOW),
    uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    flushIntervalMs: 0,
    flushAt: 1000,
    retryBackoffMs: options.retryBackoffMs,
  });
}

describe('through real posthog-node into the loopback sink', () => {
  it('sends exactly this wire body', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: FIXED_NOW });
    const telemetry = client();
    telemetry.track('cmd', { command: 'init', duration_ms: 42 });
    await telemetry.flush();
    const [request] = sink.requests;
    expect(request?.path).toBe('/batch/');
    expect(request?.headers['content-encoding']).toBe('gzip');
    expect(request?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(gunzipSync(request?.body ?? Buffer.alloc(0)).toString('utf8'));
    expect(body).toEqual({
      api_key: 'phc_test',
      batch: [
        {
          event: 'cmd',
          distinct_id: 'install-1',
          uuid: '00000000-0000-4000-8000-000000000001',
          timestamp: '2026-11-23T12:00:00.000Z',
          properties: {
            product_version: '1.2.3',
            source: 'cli',
            command: 'init',
            duration_ms: 42,
            event_version: 2,
            session_id: SESSION,
            $process_person_profile: false,
            $lib: 'posthog-node',
            $lib_version: '5.70.0',
            $is_server: true,
            $geoip_disable: true,
          },
        },
      ],
      sent_at: '2026-11-23T12:00:00.000Z',
    });
  });

  it('delivers both of two overlapping sends (two clients sharing one sender), each event once', async () => {
    const sender = createPostHogSender({ host: sink.url, apiKey: 'phc_test', retryDelayMs: 50 });
    const batch = (prefix: string) =>
      Array.from({ length: 5 }, (_, i) => ({
        uuid: `00000000-0000-4000-8000-${prefix}${String(i).padStart(11, '0')}`,
        event: 'cli_command',
        distinctId: 'install-1',
        timestamp: new Date(FIXED_NOW).toISOString(),
        properties: { n: i },
      }));
    // The second and third start while the first is on the wire (the sink answers slowly).
    sink.setMode({ kind: 'slow', delayMs: 300, times: 1 });
    const first = sender.send(batch('a'));
    await sink.waitForRequests(1);
    await Promise.all([first, sender.send(batch('b')), sender.send(batch('c'))]);
    await sender.close?.();
    const received = sink.events.map((e) => e.uuid).sort();
    expect(received).toEqual([...batch('a'), ...batch('b'), ...batch('c')].map((e) => e.uuid).sort());
  });

  it('reports a batch sent only when the sink has every event of it, and a failed batch never leaves later', async () => {
    const sender = createPostHogSender({ host: sink.url, apiKey: 'phc_test', retryDelayMs: 20, retryCount: 1 });
    const batch = (prefix: string, size: number) =>
      Array.from({ length: size }, (_, i) => ({
        uuid: `00000000-0000-4000-8000-${prefix}${String(i).padStart(11, '0')}`,
        event: 'cli_command',
        distinctId: 'install-1',
        timestamp: new Date(FIXED_NOW).toISOString(),
        properties: { n: i },
      }));
    const outcomes: { uuids: string[]; sent: boolean }[] = [];
    const send = async (events: ReturnType<typeof batch>) => {
      const sent = await sender.send(events).then(
        () => true,
        () => false,
      );
      outcomes.push({ uuids: events.map((e) => e.uuid), sent });
    };
    await send(batch('a', 30));
    sink.setMode({ kind: 'status', status: 500, times: 1 });
    await send(batch('b', 7)); // Fails once, then is sent by the retry.
    sink.setMode('status:503');
    await send(batch('c', 3)); // Fails on every attempt: reported failed.
    sink.setMode('healthy');
    await send(batch('d', 1));
    // Anything a failed attempt's client still held would have had time to leave by now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await sender.close?.();
    const received = sink.events.map((e) => String(e.uuid));
    expect(outcomes.map((o) => o.sent)).toEqual([true, true, false, true]);
    for (const outcome of outcomes.filter((o) => o.sent))
      for (const uuid of outcome.uuids) expect(received.filter((u) => u === uuid)).toHaveLength(1);
    expect(received.filter((u) => outcomes[2]?.uuids.includes(u))).toEqual([]);
    expect(received).toHaveLength(30 + 7 + 1);
  });

  it('retries 500 and 429 and delivers each event exactly once', async () => {
    const telemetry = client();
    sink.setMode({ kind: 'status', status: 500, times: 1 });
    telemetry.track('cmd', { command: 'init' });
    await telemetry.flush();
    sink.setMode({ kind: 'status', status: 429, times: 1 });
    telemetry.track('cmd', { command: 'start' });
    await telemetry.flush();
    expect(sink.requests.map((r) => r.status)).toEqual([500, 200, 429, 200]);
    expect(sink.events.map((e) => e.properties.command)).toEqual(['init', 'start']);
    expect(telemetry.status()).toMatchObject({ sent: 2, failed: 0 });
  });

  it('halves the batch on 413 until it fits', async () => {
    const telemetry = client();
    sink.setMode({ kind: 'status', status: 413, whenBatchLargerThan: 2 });
    for (let i = 0; i < 8; i += 1) telemetry.track('cmd', { duration_ms: i });
    await telemetry.flush();
    expect(sink.events.map((e) => e.properties.duration_ms)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(sink.requests.filter((r) => r.status === 413).length).toBeGreaterThan(0);
  });

  it('drops a batch the endpoint refuses with 400, without retrying, and counts it', async () => {
    const telemetry = client();
    sink.setMode('status:400');
    telemetry.track('cmd');
    await telemetry.flush();
    expect(sink.requests).toHaveLength(1);
    expect(sink.events).toEqual([]);
    expect(telemetry.status()).toMatchObject({ refused: 1, failed: 0 });
    sink.setMode('healthy');
    telemetry.track('cmd', { command: 'start' });
    await telemetry.flush();
    expect(sink.events.map((e) => e.properties.command)).toEqual(['start']);
  });

  it('keeps events through an outage longer than every retry, and delivers each once after it (same uuid)', async () => {
    const telemetry = client({ now: Date.now, retryBackoffMs: 100 });
    sink.setMode('status:503');
    telemetry.track('cmd', { command: 'init' });
    await telemetry.flush(); // 3 attempts (2 retries), all refused
    telemetry.track('cmd', { command: 'start' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await telemetry.flush(); // after the pause: 3 more, refused again
    expect(sink.requests.length).toBe(6);
    expect(telemetry.status()).toMatchObject({ queued: 2, failedAttempts: 2, sent: 0 });
    sink.setMode('healthy');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await telemetry.flush();
    expect(sink.events.map((e) => [e.uuid, e.properties.command])).toEqual([
      ['00000000-0000-4000-8000-000000000001', 'init'],
      ['00000000-0000-4000-8000-000000000002', 'start'],
    ]);
    expect(auditDelivery(sink.requests).resentAfterAnswer).toEqual([]);
    expect(telemetry.status()).toMatchObject({ queued: 0, failedAttempts: 0, sent: 2 });
  });

  it('sends nothing when consent is withdrawn between track and flush', async () => {
    let consent = CONSENT_ON;
    const telemetry = client({ consent: () => consent });
    telemetry.track('cmd', { command: 'init' });
    telemetry.track('cmd', { command: 'start' });
    consent = CONSENT_OFF;
    await telemetry.flush();
    await telemetry.shutdown();
    expect(sink.requests).toEqual([]);
  });

  it('never lets unknown properties, wrong kinds or free text reach the wire', async () => {
    const secrets = [
      'alice@example.com',
      '/home/alice/projects/secret-plan.txt',
      'ghp_1234567890abcdefghijklmnopqrstuvwxyz',
      'sk-live-0123456789abcdef',
      'postgres://admin:hunter2@db.internal:5432/prod',
      'Acme Rocket Brand',
    ];
    const telemetry = client();
    for (const secret of secrets) {
      const untyped = telemetry.track as (name: string, props: Record<string, unknown>) => void;
      untyped('cmd', { command: secret, duration_ms: secret, [secret]: 1, email: secret, path: secret, token: secret });
      untyped(secret, { command: 'init' });
    }
    telemetry.track('cmd', { command: 'init' });
    await telemetry.flush();
    expect(sink.events.length).toBe(secrets.length + 1);
    const bytes = sink.rawBytes().toString('latin1');
    for (const secret of secrets) expect(bytes).not.toContain(secret);
  });

  /** Submits the same newsletter signup whatever the consent, and returns the event the sink accepted. */
  async function signUp(telemetry: ReturnType<typeof client>) {
    await telemetry.submitExplicit('signup', {
      set: { email: 'alice@example.com' },
      properties: { source: 'cli_init' },
      distinctIdWhenDisabled: 'alice@example.com',
    });
    const [event] = await sink.waitForEvents(1);
    return event;
  }

  it('keys the newsletter signup by the install id when telemetry is on', async () => {
    const event = await signUp(client());
    expect(event?.distinctId).toBe('install-1');
    expect(event?.properties).toMatchObject({
      source: 'cli_init',
      session_id: SESSION,
      $set: { email: 'alice@example.com' },
    });
  });

  it('keys the newsletter signup by the email, with no telemetry property, when telemetry is off', async () => {
    const event = await signUp(client({ consent: () => CONSENT_OFF }));
    expect(event?.distinctId).toBe('alice@example.com');
    const own = Object.keys(event?.properties ?? {}).filter((k) => !k.startsWith('$'));
    expect(own).toEqual(['source']);
    expect(event?.properties.$set).toEqual({ email: 'alice@example.com' });
    expect(JSON.stringify(event?.raw)).not.toContain('install-1');
    expect(JSON.stringify(event?.raw)).not.toContain(SESSION);
  });
});
