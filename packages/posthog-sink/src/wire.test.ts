import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sink, startSink } from './index.js';

// Bodies built by hand in each encoding posthog-js and posthog-node use, posted with real fetch.
let sink: Sink;
beforeAll(async () => {
  sink = await startSink();
});
beforeEach(() => {
  sink.clear();
  sink.setMode('healthy');
});
afterAll(() => sink.close());

const jsEvents = [{ event: '$pageview', properties: { token: 'phc_js', distinct_id: 'anon-1', $current_url: '/' } }];

function post(path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sink.url}${path}`, { method: 'POST', body, headers });
}

describe('decoding', () => {
  it('reads plain JSON with the token in the envelope', async () => {
    const body = JSON.stringify({ api_key: 'phc_a', batch: [{ event: 'e', distinct_id: 42, properties: {} }] });
    const res = await post('/batch', body, { 'Content-Type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 1 });
    expect(sink.events).toMatchObject([{ event: 'e', distinctId: '42', token: 'phc_a', path: '/batch' }]);
  });

  it('keeps a rows property as sent: a list of records (the server’s hourly api_requests and page_views)', async () => {
    const rows = [
      { page: '/', views: 3 },
      { page: '/brands/[id]', views: 1 },
    ];
    const body = gzipSync(
      JSON.stringify({ api_key: 'phc_a', batch: [{ event: 'page_views', distinct_id: 'd', properties: { rows } }] }),
    );
    const res = await post('/batch/', body, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(sink.events).toMatchObject([{ event: 'page_views', distinctId: 'd', path: '/batch/' }]);
    expect(sink.events[0]?.properties.rows).toEqual(rows);
  });

  // posthog-js's own wire format (what it would send to PostHog directly); Elmo's /ingest takes the same bodies.
  it('gunzips a raw gzip body sent as text/plain without Content-Encoding (posthog-js)', async () => {
    const body = gzipSync(JSON.stringify(jsEvents));
    const res = await post('/e/?compression=gzip-js&ip=0&_=1700000000000&ver=1.449.2', body, {
      'Content-Type': 'text/plain',
    });
    expect(res.status).toBe(200);
    expect(sink.events).toMatchObject([{ event: '$pageview', distinctId: 'anon-1', token: 'phc_js', path: '/e/' }]);
    expect(sink.requests[0]?.text).toBe(JSON.stringify(jsEvents));
  });

  it('reads form data= bodies, base64 or plain JSON', async () => {
    const base64 = Buffer.from(JSON.stringify(jsEvents)).toString('base64');
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    expect((await post('/i/v0/e/?compression=base64', `data=${encodeURIComponent(base64)}`, form)).status).toBe(200);
    expect((await post('/capture/', `data=${encodeURIComponent(JSON.stringify(jsEvents[0]))}`, form)).status).toBe(200);
    expect(sink.events.map((e) => e.path)).toEqual(['/i/v0/e/', '/capture/']);
  });

  it('accepts a single event with the token beside it', async () => {
    const res = await post('/track', JSON.stringify({ token: 'phc_a', event: 'one', distinct_id: 'u' }));
    expect(res.status).toBe(200);
    expect(sink.events.map((e) => e.event)).toEqual(['one']);
  });

  it('answers 401 without a token, 400 without a distinct id or name, 400 for an undecodable body', async () => {
    expect((await post('/batch/', JSON.stringify({ batch: [{ event: 'e', distinct_id: 'u' }] }))).status).toBe(401);
    expect((await post('/batch/', JSON.stringify({ api_key: 'k', batch: [{ event: 'e' }] }))).status).toBe(400);
    expect((await post('/batch/', JSON.stringify({ api_key: 'k', batch: [{ distinct_id: 'u' }] }))).status).toBe(400);
    expect((await post('/batch/', 'not json')).status).toBe(400);
    expect((await post('/batch/', Buffer.from([0x1f, 0x8b, 1, 2, 3]))).status).toBe(400);
    expect(sink.events).toEqual([]);
    expect(sink.requests).toHaveLength(5);
  });

  it('answers 413 to bodies over the size limit', async () => {
    const small = await startSink({ maxBodyBytes: 100 });
    try {
      const body = JSON.stringify({ api_key: 'k', batch: [{ event: 'x'.repeat(200), distinct_id: 'u' }] });
      expect((await fetch(`${small.url}/batch/`, { method: 'POST', body })).status).toBe(413);
      expect((await fetch(`${small.url}/batch/`, { method: 'POST', body: gzipSync(body) })).status).toBe(413);
      expect(small.events).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('keeps every raw and decoded byte for privacy assertions', async () => {
    const secret = 'sk-very-secret';
    await post('/e/', gzipSync(JSON.stringify([{ event: 'e', properties: { token: 't', distinct_id: secret } }])));
    expect(sink.requests[0]?.body.includes(secret)).toBe(false);
    expect(sink.rawBytes().includes(secret)).toBe(true);
  });
});

describe('routes', () => {
  it('answers flags, config, recordings and unknown routes like PostHog', async () => {
    const flags = await post('/flags/?v=2', JSON.stringify({ token: 't', distinct_id: 'u' }));
    expect(await flags.json()).toEqual({ flags: {}, errorsWhileComputingFlags: false });
    expect((await post('/decide/?v=3', '{}')).status).toBe(200);
    expect((await fetch(`${sink.url}/array/phc_js/config`)).status).toBe(404);
    expect((await post('/s/', gzipSync('[]'))).status).toBe(200);
    expect((await post('/nope/', '{}')).status).toBe(404);
    expect(sink.events).toEqual([]);
  });

  it('answers a CORS preflight and puts CORS headers on every answer', async () => {
    const preflight = await fetch(`${sink.url}/e/`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:3000',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

    const res = await post('/e/', JSON.stringify(jsEvents), { Origin: 'http://localhost:3000' });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
  });

  it('escapes event names and properties on the HTML page, and serves /api/events', async () => {
    const event = { event: '<script>alert(1)</script>', properties: { token: 't', distinct_id: '"u"', x: '<img>' } };
    await post('/e/', JSON.stringify(event));
    const html = await (await fetch(`${sink.url}/`)).text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('http-equiv="refresh"');

    const api = (await (await fetch(`${sink.url}/api/events`)).json()) as { event: string }[];
    expect(api.map((e) => e.event)).toEqual([event.event]);
    expect((await fetch(`${sink.url}/api/events`, { method: 'DELETE' })).status).toBe(200);
    expect(sink.events).toEqual([]);
    // The sink's own page and API are not PostHog traffic.
    expect(sink.requests).toEqual([]);
  });

  it('switches mode through /api/mode', async () => {
    const res = await fetch(`${sink.url}/api/mode`, { method: 'PUT', body: JSON.stringify({ mode: 'status:503' }) });
    expect(await res.json()).toMatchObject({ mode: { kind: 'status', status: 503 } });
    expect((await post('/e/', JSON.stringify(jsEvents))).status).toBe(503);
    expect(sink.events).toEqual([]);
    expect((await fetch(`${sink.url}/api/mode`, { method: 'PUT', body: 'bogus' })).status).toBe(400);
  });
});

describe('waiting', () => {
  it('resolves when events arrive and explains a timeout', async () => {
    const waiting = sink.waitForEvents((e) => e.event === '$pageview');
    await post('/e/', JSON.stringify(jsEvents));
    expect((await waiting).map((e) => e.distinctId)).toEqual(['anon-1']);

    sink.setMode('status:429');
    await post('/e/', JSON.stringify(jsEvents));
    await expect(sink.waitForEvents(2, { timeoutMs: 50 })).rejects.toThrow(
      /Timed out after 50 ms waiting for 2 event\(s\)[\s\S]*\$pageview from anon-1[\s\S]*POST \/e\/ -> 429/,
    );
  });

  it('rejects pending waits when the sink closes', async () => {
    const other = await startSink();
    const waiting = other.waitForEvents(1, { timeoutMs: 10_000 });
    await other.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });
});
