import { createServer, type IncomingMessage } from 'node:http';
import { type LoopbackServer, listenOnLoopback } from '@elmo/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpJobSource, WebApiError } from './job-source.js';
import { computeReport } from './report.js';

// A real HTTP server on loopback stands in for the web app's internal API (fetch itself is never mocked).
type Seen = { method?: string; url?: string; authorization?: string; body: unknown };
let server: LoopbackServer | undefined;

async function serve(answer: (seen: Seen) => { status: number; body?: unknown }) {
  const seen: Seen[] = [];
  const http = createServer(async (req: IncomingMessage, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const entry = { method: req.method, url: req.url, authorization: req.headers.authorization, body: JSON.parse(raw) };
    seen.push(entry);
    const { status, body } = answer(entry);
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(body === undefined ? undefined : JSON.stringify(body));
  });
  server = await listenOnLoopback(http);
  return {
    seen,
    source: createHttpJobSource({ baseUrl: server.url, token: 'secret', timeoutMs: 1000 }),
  };
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const job = {
  id: 'j1',
  attempts: 1,
  maxAttempts: 3,
  brand: { id: 'b1', name: 'Acme' },
  prompts: [{ id: 'p1', text: 't', createdAt: '2025-06-01T00:00:00.000Z', editedAt: null }],
};

describe('createHttpJobSource', () => {
  it('claims with the bearer token and the worker id', async () => {
    const { seen, source } = await serve(() => ({ status: 200, body: { job } }));
    expect(await source.claim('w1')).toEqual(job);
    expect(seen).toEqual([
      { method: 'POST', url: '/api/internal/jobs/claim', authorization: 'Bearer secret', body: { workerId: 'w1' } },
    ]);
  });

  it('answers null when there is no job (204)', async () => {
    const { source } = await serve(() => ({ status: 204 }));
    expect(await source.claim('w1')).toBeNull();
  });

  it('posts results and failures to the job', async () => {
    const { seen, source } = await serve(() => ({ status: 200, body: { job: { id: 'j1', status: 'done' } } }));
    const result = computeReport(job, new Date('2025-06-02T00:00:00.000Z'));
    await source.complete('j1', 'w1', result);
    await source.fail('j1', 'w1', 'report_failed');
    expect(seen.map((s) => [s.url, s.body])).toEqual([
      ['/api/internal/jobs/j1/complete', { workerId: 'w1', result }],
      ['/api/internal/jobs/j1/fail', { workerId: 'w1', errorCode: 'report_failed' }],
    ]);
  });

  it('turns an error answer into a WebApiError with the code', async () => {
    const { source } = await serve(() => ({ status: 401, body: { error: { code: 'unauthorized', message: 'no' } } }));
    const error = await source.claim('w1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebApiError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('rejects a job of the wrong shape', async () => {
    const { source } = await serve(() => ({ status: 200, body: { job: { id: 'j1' } } }));
    await expect(source.claim('w1')).rejects.toMatchObject({ code: 'invalid_job' });
  });
});
