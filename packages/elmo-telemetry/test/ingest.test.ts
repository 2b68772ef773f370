import { gzipSync } from 'node:zlib';
import { type Sink, startSink } from '@elmo/posthog-sink';
import type { ConsentDecision } from '@elmo/telemetry-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleIngest } from '../src/deployment/ingest.js';

const ON: ConsentDecision = { enabled: true, source: 'default', reason: 'on' };
const OFF: ConsentDecision = { enabled: false, source: 'deployment-env', reason: 'off' };
let sink: Sink;
let consent: ConsentDecision;
beforeEach(async () => {
  sink = await startSink();
  consent = ON;
});
afterEach(() => sink.close());

const options = () => ({ consent: () => consent, destination: () => ({ host: sink.url, apiKey: 'phc_test' }) });
const event = {
  event: '$pageview',
  properties: { token: 'phc_test', distinct_id: 'dep-1', $pathname: '/brands/[id]' },
};

function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  return new Request(`http://127.0.0.1:1515/ingest/${path}`, { method: 'POST', body, headers });
}

describe('/ingest', () => {
  it('forwards a gzip body sent as text/plain byte for byte, with only the decoding query kept', async () => {
    const body = gzipSync(JSON.stringify([event]));
    const response = await handleIngest(
      post('e/?ip=0&_=1700000000&ver=1.449.2&compression=gzip-js', body, {
        'content-type': 'text/plain',
        cookie: 'session=alice-secret-cookie',
        'x-forwarded-for': '203.0.113.7',
        'x-real-ip': '203.0.113.7',
        'user-agent': 'Mozilla/5.0 alice-laptop',
      }),
      ['e', ''],
      options(),
    );
    expect(response.status).toBe(200);
    const [request] = sink.requests;
    expect(request?.body.equals(body)).toBe(true);
    expect(request?.url).toBe('/e/?compression=gzip-js&ver=1.449.2');
    const headers = JSON.stringify(request?.headers);
    expect(headers).not.toContain('alice-secret-cookie');
    expect(headers).not.toContain('203.0.113.7');
    expect(headers).not.toContain('alice-laptop');
    expect(request?.headers.cookie).toBeUndefined();
    expect(request?.headers['x-forwarded-for']).toBeUndefined();
    expect(sink.events.map((e) => e.event)).toEqual(['$pageview']);
  });

  it.each([['flags'], ['s'], ['decide'], ['engage'], ['static/array.js'], ['../admin']])('refuses %s', async (path) => {
    const response = await handleIngest(post(path, '{}'), path.split('/'), options());
    expect(response.status).toBe(404);
    expect(sink.requests).toEqual([]);
  });

  it('answers remote config locally', async () => {
    const response = await handleIngest(
      new Request('http://127.0.0.1/ingest/array/phc_test/config'),
      ['array', 'phc_test', 'config'],
      options(),
    );
    expect(response.status).toBe(404);
    expect(sink.requests).toEqual([]);
  });

  it('refuses other methods', async () => {
    const response = await handleIngest(new Request('http://127.0.0.1/ingest/e/'), ['e'], options());
    expect(response.status).toBe(405);
  });

  it('refuses oversized bodies, declared or not', async () => {
    const big = 'x'.repeat(70 * 1024);
    expect((await handleIngest(post('e/', big), ['e'], options())).status).toBe(413);
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const undeclared = new Request('http://127.0.0.1/ingest/e/', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect((await handleIngest(undeclared, ['e'], options())).status).toBe(413);
    expect(sink.requests).toEqual([]);
  });

  it('drops everything while consent is withdrawn', async () => {
    consent = OFF;
    const response = await handleIngest(post('e/', JSON.stringify([event])), ['e'], options());
    expect(response.status).toBe(200);
    expect(sink.requests).toEqual([]);
  });

  it('answers 502 when the destination is unreachable', async () => {
    await sink.close();
    const response = await handleIngest(post('e/', JSON.stringify([event])), ['e'], options());
    expect(response.status).toBe(502);
    sink = await startSink();
  });
});
