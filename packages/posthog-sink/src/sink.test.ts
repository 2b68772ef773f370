import { PostHog, type PostHogOptions } from 'posthog-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Sink, type SinkOptions, startSink } from './index.js';

// Real posthog-node against the real sink: nothing here mocks fetch.
const sinks: Sink[] = [];
const clients: PostHog[] = [];

async function sink(options?: SinkOptions): Promise<Sink> {
  const started = await startSink(options);
  sinks.push(started);
  return started;
}

function client(target: Sink, options: Partial<PostHogOptions> = {}): PostHog {
  const created = new PostHog('phc_test', {
    host: target.url,
    flushAt: 100,
    flushInterval: 0,
    fetchRetryCount: 0,
    fetchRetryDelay: 10,
    requestTimeout: 2000,
    ...options,
  });
  clients.push(created);
  return created;
}

afterEach(async () => {
  // Sinks first, so a client's final flush is refused at once instead of waiting on a hung socket.
  await Promise.all(sinks.splice(0).map((s) => s.close()));
  // Clients whose requests failed still hold their events; posthog-node logs the refused final flush.
  const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  await Promise.all(clients.splice(0).map((c) => c.shutdown(200).catch(() => undefined)));
  quiet.mockRestore();
});

describe('posthog-node against the sink', () => {
  it('decodes a gzip batch from capture + flush', async () => {
    const s = await sink();
    const ph = client(s);
    ph.capture({ distinctId: 'user-1', event: 'command_run', properties: { command: 'status' } });
    await ph.flush();

    expect(s.events).toHaveLength(1);
    const [event] = s.events;
    expect(event).toMatchObject({ event: 'command_run', distinctId: 'user-1', token: 'phc_test', path: '/batch/' });
    expect(event?.properties).toMatchObject({ command: 'status', $lib: 'posthog-node', $geoip_disable: true });
    expect(event?.uuid).toMatch(/^[0-9a-f-]{36}$/);
    const [request] = s.requests;
    expect(request?.headers['content-encoding']).toBe('gzip');
    expect(request?.body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(request?.status).toBe(200);
    expect(request?.payload).toMatchObject({ api_key: 'phc_test', batch: [{ event: 'command_run' }] });
  });

  it('answers 500 for `times` requests, then the retried event arrives exactly once', async () => {
    const s = await sink({ mode: { kind: 'status', status: 500, times: 2 } });
    const ph = client(s, { fetchRetryCount: 3 });
    ph.capture({ distinctId: 'user-1', event: 'retried' });
    await ph.flush();

    expect(s.requests.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(s.events.map((e) => e.event)).toEqual(['retried']);
    expect(s.mode).toEqual({ kind: 'healthy' });
  });

  it('answers 413 to large batches so posthog-node halves them and delivers everything', async () => {
    const s = await sink({ mode: { kind: 'status', status: 413, whenBatchLargerThan: 2 } });
    const ph = client(s);
    for (let i = 0; i < 8; i++) ph.capture({ distinctId: 'user-1', event: `e${i}` });
    await ph.flush();

    expect(s.requests.map((r) => r.status)).toEqual([413, 413, 200, 200, 200, 200]);
    expect(s.events.map((e) => e.event)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7']);
  });

  it('answers 400 and posthog-node drops the batch', async () => {
    const s = await sink({ mode: 'status:400' });
    const ph = client(s, { fetchRetryCount: 3 });
    ph.capture({ distinctId: 'user-1', event: 'dropped' });
    await expect(ph.flush()).rejects.toThrow(/400/);
    s.setMode('healthy');
    await ph.flush();

    expect(s.requests.map((r) => r.status)).toEqual([400]);
    expect(s.events).toEqual([]);
  });

  it('hangs: the client gives up after its requestTimeout and close() still resolves promptly', async () => {
    const s = await sink({ mode: 'hang' });
    const ph = client(s, { requestTimeout: 500 });
    ph.capture({ distinctId: 'user-1', event: 'never_answered' });
    const started = Date.now();
    await expect(ph.flush()).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(s.requests[0]?.outcome).toBe('hung');
    expect(s.events).toEqual([]);

    const closing = Date.now();
    await s.close();
    expect(Date.now() - closing).toBeLessThan(500);
  });

  it('resets the connection mid-request', async () => {
    const s = await sink({ mode: 'reset' });
    const ph = client(s);
    ph.capture({ distinctId: 'user-1', event: 'reset' });
    await expect(ph.flush()).rejects.toThrow();

    const error = await fetch(`${s.url}/batch/`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNRESET');
    expect(s.requests.map((r) => r.outcome)).toEqual(['reset', 'reset']);
    expect(s.events).toEqual([]);
  });

  it('answers slowly, and records events only when the client was still there', async () => {
    const s = await sink({ mode: { kind: 'slow', delayMs: 300, times: 1 } });
    const ph = client(s);
    ph.capture({ distinctId: 'user-1', event: 'slow' });
    const started = Date.now();
    await ph.flush();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(s.events.map((e) => e.event)).toEqual(['slow']);

    s.setMode('slow:400');
    const gaveUp = client(s, { requestTimeout: 100 });
    gaveUp.capture({ distinctId: 'user-1', event: 'abandoned' });
    await expect(gaveUp.flush()).rejects.toThrow();
    await s.waitForRequests((r) => r.outcome === 'aborted', { timeoutMs: 2000 });
    expect(s.events.map((e) => e.event)).toEqual(['slow']);
  });

  it('rejects other tokens when one is configured', async () => {
    const s = await sink({ token: 'phc_right' });
    const ph = client(s);
    ph.capture({ distinctId: 'user-1', event: 'wrong_token' });
    await expect(ph.flush()).rejects.toThrow(/401/);
    expect(s.events).toEqual([]);
  });
});
