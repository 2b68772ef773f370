import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { WebServer } from '@elmo/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCases } from './support/api-cases.js';
import { Cell, runCell, runCells } from './support/cell.js';
import { createDeployment, startDeploymentWeb, type TestDeployment } from './support/deployment.js';
import { browserEvents } from './support/ingest-client.js';
import { checkUnreadableEnv, readConsent, useAndWatch, waitForConsent, workerRound } from './support/live-env.js';
import { pageViewEvents, viewsIn } from './support/page-views.js';
import { type SwitchableSink, startSwitchableSink } from './support/switchable-sink.js';
import { sleep } from './support/wire.js';

// Bad input to a running deployment: malformed API and /ingest requests, and a `.env` that turns unreadable
// (or CRLF and quoted) under a running web app and worker.

describe('bad input: requests to a running web app, and its .env changing under it', () => {
  let deployment: TestDeployment;
  let web: WebServer;
  const sinks = {} as { web: SwitchableSink; worker: SwitchableSink };
  let brandId: string;

  beforeAll(async () => {
    deployment = createDeployment();
    sinks.web = await startSwitchableSink();
    sinks.worker = await startSwitchableSink();
    web = await startDeploymentWeb({ deployment, sinkUrl: sinks.web.url });
    const created = await fetch(`${web.url}/api/brands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bad Input Co' }),
      signal: AbortSignal.timeout(30_000),
    });
    brandId = ((await created.json()) as { brand: { id: string } }).brand.id;
  });
  afterAll(async () => {
    await web?.stop('SIGKILL');
    await sinks.web?.close();
    await sinks.worker?.close();
    deployment?.remove();
  });

  it('a malformed request to every API route', async () => {
    await runCell('bad-input', 'malformed request to every API route', 'web', async (cell) => {
      const cases = apiCases(brandId);
      const routes = new Set(cases.map((c) => c.route));
      cell.metric('requests', cases.length);
      cell.metric('routes', routes.size);
      for (const c of cases) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (c.auth === 'token') headers.authorization = `Bearer ${deployment.token}`;
        if (c.auth === 'wrong') headers.authorization = `Bearer ${deployment.token}x`;
        const response = await fetch(`${web.url}${c.path}`, { method: c.method, headers, body: c.body });
        const text = await response.text();
        cell.check(`${c.method} ${c.route} (${c.what}): ${c.status}`, () => {
          expect(response.status).toBe(c.status);
          // Next answers an unexported method itself, with an empty body; every route answers in one shape.
          if (c.status === 405) return;
          const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
          expect(body.error?.code).toMatch(/^[a-z_]+$/);
          expect(body.error?.message).toMatch(/^[^\n]{5,300}$/);
        });
      }
      const health = await fetch(`${web.url}/api/health`);
      cell.check('the server is healthy afterwards', () => expect(health.status).toBe(200));
    });
  }, 120_000);

  it('/ingest: other paths, oversize bodies, wrong methods', async () => {
    await runCell('bad-input', '/ingest: other paths, oversize bodies, wrong methods', 'web', async (cell) => {
      const before = sinks.web.requests().length;
      // The server keeps sending its own events meanwhile (request counts): count what a browser could have sent,
      // the page views the hourly page_views rows count (every 3 s with the test knobs).
      const countPageviews = () => viewsIn(sinks.web.events());
      // Page views counted before this cell arrive with the next hourly send: start from after it.
      await sleep(3500);
      const pageviewsBefore = countPageviews();
      const big = Buffer.alloc(70 * 1024, 'a');
      const attempts: [string, string, string, RequestInit, number][] = [
        ['flags', 'POST', '/ingest/flags/?v=2', { body: '{}' }, 404],
        ['decide', 'POST', '/ingest/decide/', { body: '{}' }, 404],
        ['recordings', 'POST', '/ingest/s/', { body: '{}' }, 404],
        ['remote config', 'GET', '/ingest/array/phc_test/config', {}, 404],
        ['a capture path with more', 'POST', '/ingest/batch/extra/', { body: '[]' }, 404],
        ['an encoded traversal', 'POST', '/ingest/e%2F..%2F..%2Fapi%2Fbrands', { body: '[]' }, 404],
        ['GET', 'GET', '/ingest/e/', {}, 405],
        ['PUT', 'PUT', '/ingest/e/', { body: '[]' }, 405],
        ['DELETE', 'DELETE', '/ingest/e/', {}, 405],
        ['oversize, declared', 'POST', '/ingest/e/', { body: big }, 413],
        [
          'oversize, chunked (no length)',
          'POST',
          '/ingest/e/',
          {
            body: new ReadableStream({
              start(controller) {
                for (let i = 0; i < 70; i++) controller.enqueue(new Uint8Array(1024).fill(97));
                controller.close();
              },
            }),
            duplex: 'half',
          } as RequestInit,
          413,
        ],
      ];
      for (const [label, method, path, init, status] of attempts) {
        const response = await fetch(`${web.url}${path}`, { method, ...init });
        await response.arrayBuffer();
        cell.check(`${label}: ${status}`, () => expect(response.status).toBe(status));
      }
      // Longer than an hourly send: anything these bodies had counted would be in page_views by now.
      await sleep(3500);
      cell.check('none of them was counted', () => expect(countPageviews()).toBe(pageviewsBefore));
      // A valid capture right after proves the zero above is not a dead route; it also carries headers that
      // must never be forwarded (SPEC §7: no cookies, no client address).
      const events = browserEvents(deployment.deploymentId, 1);
      const valid = await fetch(`${web.url}/ingest/e/?compression=gzip-js&ip=1`, {
        method: 'POST',
        headers: {
          cookie: 'session=abc',
          'x-forwarded-for': '203.0.113.9',
          'x-real-ip': '203.0.113.9',
          referer: 'http://x/secret',
        },
        body: JSON.stringify(events),
      });
      await valid.text();
      // Counted, not relayed: the count leaves in the server's own hourly page_views (SPEC §5, §7).
      const eventsBefore = sinks.web.events().length;
      for (let waited = 0; waited < 10_000 && countPageviews() === pageviewsBefore; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const pageviews = pageViewEvents(sinks.web.events().slice(eventsBefore));
      const forwarded = sinks.web
        .requests()
        .slice(before)
        .filter((r) => pageviews.some((e) => e.receivedAt === r.receivedAt && e.path === r.path));
      cell.check('a valid capture is counted once and sent in page_views through the server’s own /batch/', () => {
        expect(valid.status).toBe(200);
        expect(countPageviews()).toBe(pageviewsBefore + 1);
        expect(pageviews.map((e) => e.properties.rows)).toEqual([[{ page: '/', views: 1 }]]);
        expect(forwarded.map((r) => r.path)).toEqual(['/batch/']);
        expect(sinks.web.events().some((e) => e.event === '$pageview')).toBe(false);
      });
      cell.check('without cookies, client address headers, referer or the ip query', () => {
        const request = forwarded[0];
        for (const header of ['cookie', 'x-forwarded-for', 'x-real-ip', 'referer'])
          expect(request?.headers[header]).toBeUndefined();
        expect(request?.url).not.toContain('ip=');
        expect(request?.body.toString('latin1')).not.toContain('203.0.113.9');
      });
    });
  }, 60_000);

  it('a deployment .env that turns unreadable under a running web app and worker', async () => {
    const variants: [string, () => void][] = [
      [
        'binary',
        () =>
          writeFileSync(
            deployment.envFile,
            Buffer.concat([Buffer.from('DEPLOYMENT_ID='), randomBytes(40), Buffer.from([0])]),
          ),
      ],
      [
        'huge (2 MB)',
        () =>
          writeFileSync(
            deployment.envFile,
            `DEPLOYMENT_ID=${deployment.deploymentId}\n${'#'.repeat(2 * 1024 * 1024)}\n`,
          ),
      ],
      [
        'a folder',
        () => {
          rmSync(deployment.envFile);
          mkdirSync(deployment.envFile);
        },
      ],
    ];
    const good = `DEPLOYMENT_ID=${deployment.deploymentId}\n`;
    const cells: Cell[] = [];
    for (const [label] of variants) {
      cells.push(
        new Cell('bad-input', `.env ${label}, read live`, 'web'),
        new Cell('bad-input', `.env ${label}, read live`, 'worker'),
      );
    }
    await runCells(cells, async () => {
      const first = await useAndWatch(web.url, sinks.web, 'Baseline');
      expect(first.requests, 'telemetry flows before the .env is spoiled').toBeGreaterThan(0);
      for (const [i, [, spoil]] of variants.entries()) {
        spoil();
        const context = { webUrl: web.url, sink: sinks.web, workerSink: sinks.worker, deployment };
        await checkUnreadableEnv({ web: cells[2 * i] as Cell, worker: cells[2 * i + 1] as Cell }, context);
        rmSync(deployment.envFile, { recursive: true, force: true });
        writeFileSync(deployment.envFile, good);
        const back = await waitForConsent(web.url, true);
        (cells[2 * i] as Cell).check('a repaired .env turns telemetry back on within 5 s', () =>
          expect(back).toBeLessThan(5000),
        );
      }
    });
  }, 180_000);

  it('a deployment .env with CRLF line ends and quoted values, read live', async () => {
    const cells = {
      web: new Cell('bad-input', '.env with CRLF line ends and quoted values', 'web'),
      worker: new Cell('bad-input', '.env with CRLF line ends and quoted values', 'worker'),
    };
    await runCells(Object.values(cells), async () => {
      const id = randomUUID();
      const text = (disable: string) =>
        `# written on Windows\r\nDEPLOYMENT_ID="${id}"\r\nDISABLE_TELEMETRY=${disable}\r\n`;
      writeFileSync(deployment.envFile, text('"0"'));
      await waitForConsent(web.url, true);
      const use = await useAndWatch(web.url, sinks.web, 'Windows Roasters');
      cells.web.check('events are keyed by the unquoted id, without CR', () => {
        expect(use.events.length).toBeGreaterThan(0);
        expect(new Set(use.events.map((e) => e.distinctId))).toEqual(new Set([id]));
      });
      const workerFrom = sinks.worker.events().length;
      const round = await workerRound(deployment, sinks.worker, web.url);
      cells.worker.check('the worker reads the same id: start and stop events keyed by it', () => {
        expect(round.code).toBe(0);
        const events = sinks.worker.events().slice(workerFrom);
        expect(events.map((e) => [e.event, e.distinctId])).toEqual([
          ['deployment_started', id],
          ['deployment_stopped', id],
        ]);
      });
      writeFileSync(deployment.envFile, text("'1'"));
      const ms = await waitForConsent(web.url, false);
      const consent = await readConsent(web.url);
      cells.web.check("DISABLE_TELEMETRY='1' (quoted, CRLF) turns telemetry off within 5 s", () => {
        expect(ms).toBeLessThan(5000);
        expect(consent).toMatchObject({ enabled: false, source: 'deployment-env' });
      });
      const after = await useAndWatch(web.url, sinks.web, 'Silent Roasters');
      cells.web.check('then nothing is sent', () => expect(after.requests).toBe(0));
      const quiet = await workerRound(deployment, sinks.worker, web.url);
      cells.worker.check('and the worker sends nothing either', () =>
        expect([quiet.code, quiet.requests]).toEqual([0, 0]),
      );
    });
  }, 120_000);
});
