import { request as httpRequest } from 'node:http';
import { PostHog, type PostHogOptions } from 'posthog-node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { acceptedUnanswered, type Sink, type SinkOptions, startSink } from './index.js';

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
    expect(s.requests[0]).toMatchObject({ outcome: 'hung', accepted: 1 });
    // PostHog would have ingested the complete batch; only the answer is missing.
    expect(s.events.map((e) => e.event)).toEqual(['never_answered']);

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

  it('answers slowly, and records events even when the client gave up before the answer', async () => {
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
    const [aborted] = await s.waitForRequests((r) => r.outcome === 'aborted', { timeoutMs: 2000 });
    expect(aborted?.accepted).toBe(1);
    expect(s.events.map((e) => e.event)).toEqual(['slow', 'abandoned']);
  });

  it('loses the answer after accepting, so a retrying client delivers a duplicate', async () => {
    const s = await sink({ mode: { kind: 'lost-response', times: 1 } });
    const ph = client(s, { fetchRetryCount: 3 });
    ph.capture({ distinctId: 'user-1', event: 'sent_twice' });
    await ph.flush();

    expect(s.requests.map((r) => [r.outcome, r.accepted])).toEqual([
      ['lost', 1],
      ['answered', 1],
    ]);
    const [first, second] = s.events;
    expect([first?.event, second?.event]).toEqual(['sent_twice', 'sent_twice']);
    // The resend carries the same uuid, which is what lets PostHog (and a test) see it as a duplicate.
    expect(second?.uuid).toBe(first?.uuid);
  });

  it('rejects other tokens when one is configured', async () => {
    const s = await sink({ token: 'phc_right' });
    const ph = client(s);
    ph.capture({ distinctId: 'user-1', event: 'wrong_token' });
    await expect(ph.flush()).rejects.toThrow(/401/);
    expect(s.events).toEqual([]);
  });
});

describe('requests the client never heard back from', () => {
  const batch = (...names: string[]) =>
    JSON.stringify({ api_key: 'phc_test', batch: names.map((event) => ({ event, distinct_id: 'user-1' })) });
  const post = (target: Sink, body: string, signal?: AbortSignal) =>
    fetch(`${target.url}/batch/`, { method: 'POST', body, ...(signal && { signal }) });
  const networkCode = (error: unknown) => (error as { cause?: { code?: string } }).cause?.code;

  it('hang records a complete valid body at once, though it never answers', async () => {
    const s = await sink({ mode: 'hang' });
    const abandon = new AbortController();
    const pending = post(s, batch('a', 'b'), abandon.signal).catch((error: unknown) => error);

    const [request] = await s.waitForRequests((r) => r.outcome === 'hung');
    expect(request).toMatchObject({ accepted: 2 });
    expect(request && acceptedUnanswered(request)).toBe(true);
    expect(s.events.map((e) => e.event)).toEqual(['a', 'b']);
    abandon.abort();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('hang records nothing for an invalid body', async () => {
    const s = await sink({ mode: 'hang' });
    const noToken = JSON.stringify({ batch: [{ event: 'e', distinct_id: 'u' }] });
    const calls = ['not json', noToken].map((body) => post(s, body, AbortSignal.timeout(200)).catch(() => 'gave up'));
    expect(await Promise.all(calls)).toEqual(['gave up', 'gave up']);

    expect(s.requests.map((r) => [r.outcome, r.accepted])).toEqual([
      ['hung', 0],
      ['hung', 0],
    ]);
    expect(s.requests.some(acceptedUnanswered)).toBe(false);
    expect(s.events).toEqual([]);
  });

  it('records nothing when the client abandons the body mid-upload', async () => {
    const s = await sink({ mode: 'hang' });
    const body = batch('cut_off');
    // The JSON is whole, but the declared length says more was coming: PostHog never processes such a body.
    const req = httpRequest(`${s.url}/batch/`, { method: 'POST', headers: { 'Content-Length': body.length + 10 } });
    req.on('error', () => undefined);
    req.write(body, () => setTimeout(() => req.destroy(), 50));

    const [request] = await s.waitForRequests((r) => r.outcome === 'aborted');
    expect(request?.accepted).toBe(0);
    expect(s.events).toEqual([]);
  });

  it('slow records the events of a client that aborted before the answer', async () => {
    const s = await sink({ mode: 'slow:300' });
    const error = await post(s, batch('late'), AbortSignal.timeout(50)).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');

    const [request] = await s.waitForRequests((r) => r.outcome === 'aborted', { timeoutMs: 2000 });
    expect(request).toMatchObject({ accepted: 1 });
    expect(s.events.map((e) => e.event)).toEqual(['late']);
  });

  it('lost-response records, then the client sees a network error; `times: 1` then healthy', async () => {
    const s = await sink({ mode: { kind: 'lost-response', times: 1 } });
    const body = batch('once');
    const error = await post(s, body).catch((e: unknown) => e);
    expect(networkCode(error)).toBe('ECONNRESET');
    expect(s.requests[0]).toMatchObject({ outcome: 'lost', accepted: 1 });
    expect(s.events.map((e) => e.event)).toEqual(['once']);
    expect(s.mode).toEqual({ kind: 'healthy' });

    // The client cannot tell it was accepted, so its resend is stored again.
    expect((await post(s, body)).status).toBe(200);
    expect(s.events.map((e) => e.event)).toEqual(['once', 'once']);
    expect(s.requests.map(acceptedUnanswered)).toEqual([true, false]);
  });

  it('lost-response loses the error answer of an invalid body and records nothing', async () => {
    const s = await sink({ mode: 'lost-response' });
    const error = await post(s, 'not json').catch((e: unknown) => e);
    expect(networkCode(error)).toBe('ECONNRESET');
    expect(s.requests[0]).toMatchObject({ outcome: 'lost', accepted: 0 });
    expect(s.events).toEqual([]);
  });

  it('reset records nothing, even for a valid body', async () => {
    const s = await sink({ mode: 'reset' });
    const error = await post(s, batch('dropped')).catch((e: unknown) => e);
    expect(networkCode(error)).toBe('ECONNRESET');
    expect(s.requests[0]).toMatchObject({ outcome: 'reset', accepted: 0 });
    expect(s.events).toEqual([]);
  });
});
