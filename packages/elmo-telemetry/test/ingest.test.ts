import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Sink, startSink } from '@elmo/posthog-sink';
import { readLocalLog } from '@elmo/telemetry-core/node';
import { useTempDir } from '@elmo/test-support/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDeploymentTelemetry, type DeploymentTelemetry } from '../src/deployment/deployment-telemetry.js';
import { handleIngest } from '../src/deployment/ingest.js';

// `/ingest` is no relay (SPEC §7): it decodes posthog-js bodies, counts each page view by its page template and
// forwards nothing; the counts leave as the hourly `page_views` of the server's own client (consent, identity,
// log, delivery).

const DEPLOYMENT_ID = '0b8f3c52-6a1d-4e7b-9f2a-1c3d5e7f9a0b';
const temp = useTempDir('elmo-ingest-');
let sink: Sink;
let dir: string;
let deployment: DeploymentTelemetry;
beforeEach(async () => {
  sink = await startSink();
  dir = temp.path;
  writeFileSync(
    join(dir, '.env'),
    `DEPLOYMENT_ID=${DEPLOYMENT_ID}\nELMO_POSTHOG_HOST=${sink.url}\nELMO_POSTHOG_KEY=phc_configured\n`,
  );
  deployment = create();
});
afterEach(async () => {
  await deployment.shutdown(300);
  await sink.close();
});

function create(env: Record<string, string> = {}) {
  return createDeploymentTelemetry({
    component: 'web',
    deploymentDir: dir,
    homedir: dir,
    env,
    productVersion: '1.2.3',
    intervals: { flushMs: 50, consentPollMs: 50 },
    write: () => {},
  });
}

// What a page could post: the allowed page view, plus everything a hostile or careless page might add.
const HOSTILE = {
  api_key: 'phc_someone_elses_project',
  batch: [
    {
      event: '$pageview',
      properties: {
        token: 'phc_someone_elses_project',
        distinct_id: 'alice@example.com',
        $pathname: '/brands/[id]',
        $current_url: 'http://localhost:1515/brands/acme-secret-launch?q=alice@example.com',
        email: 'alice@example.com',
        marker: 'MARKER-7f3a',
      },
    },
    { event: 'purchase_completed', properties: { amount: 999, email: 'alice@example.com' } },
    { event: '$autocapture', properties: { $el_text: 'MARKER-7f3a' } },
  ],
};

function post(path: string, body: BodyInit, headers: Record<string, string> = {}) {
  return new Request(`http://127.0.0.1:1515/ingest/${path}`, { method: 'POST', body, headers });
}

const ingest = (request: Request, path: string[]) =>
  handleIngest(request, path, { pageView: (page) => deployment.pageView(page) });

describe('/ingest enforces the catalog', () => {
  it.each([
    ['gzip sent as text/plain (what posthog-js sends)', () => gzipSync(JSON.stringify(HOSTILE)), 'text/plain'],
    ['plain JSON', () => JSON.stringify(HOSTILE), 'application/json'],
    [
      'a sendBeacon form body',
      () => `data=${encodeURIComponent(Buffer.from(JSON.stringify(HOSTILE)).toString('base64'))}`,
      'application/x-www-form-urlencoded',
    ],
  ])(
    '%s: only the page template is counted, and leaves in page_views keyed by the deployment',
    async (_label, body, type) => {
      for (let i = 0; i < 2; i += 1) {
        const response = await ingest(
          post('e/', body(), {
            'content-type': type,
            cookie: 'session=alice-cookie',
            'x-forwarded-for': '203.0.113.7',
          }),
          ['e', ''],
        );
        expect(response.status).toBe(200);
      }
      // Nothing is forwarded per page view: the counts wait for the hourly usage send.
      await deployment.telemetry.flush();
      expect(sink.requests).toEqual([]);
      await deployment.sendUsage();
      const [pageViews] = await sink.waitForEvents(1, { timeoutMs: 5000 });
      expect(sink.events).toHaveLength(1);
      expect(pageViews?.event).toBe('page_views');
      expect(pageViews?.distinctId).toBe(DEPLOYMENT_ID);
      expect(pageViews?.token).toBe('phc_configured');
      expect(pageViews?.properties.rows).toEqual([{ page: '/brands/[id]', views: 2 }]);
      expect(pageViews?.properties).toMatchObject({
        source: 'web',
        event_version: 1,
        product_version: '1.2.3',
        os: process.platform,
        arch: process.arch,
        node_version: process.version.slice(1),
      });
      expect(pageViews?.properties.session_id).toEqual(expect.any(String));
      expect(pageViews?.properties).not.toHaveProperty('$pathname');
      const bytes = sink.rawBytes().toString('latin1');
      for (const secret of [
        'alice',
        'MARKER-7f3a',
        'phc_someone_elses_project',
        'acme-secret-launch',
        '203.0.113.7',
        '999',
      ])
        expect(bytes).not.toContain(secret);
      // The transparency log holds exactly what left, by uuid (deployment_stopped at shutdown included).
      await deployment.shutdown(2000);
      const logged = readLocalLog(join(dir, 'data', 'telemetry-events.jsonl'), 50).filter((e) => e.status === 'sent');
      expect(new Set(logged.map((e) => e.uuid))).toEqual(new Set(sink.events.map((e) => e.uuid)));
      expect(logged.map((e) => e.event).sort()).toEqual(['deployment_stopped', 'page_views']);
    },
  );

  it('maps a real path onto its page template, and counts nothing that is no page of the app', async () => {
    const events = [
      { event: '$pageview', properties: { $pathname: '/reports/3f2a' } },
      { event: '$pageview', properties: { $current_url: 'http://127.0.0.1:1515/settings?tab=secret' } },
      { event: '$pageview', properties: { $pathname: '/admin/users' } },
      { event: '$pageview', properties: { $pathname: 42 } },
      { event: '$pageleave', properties: { $pathname: '/' } },
    ];
    expect((await ingest(post('batch', JSON.stringify(events)), ['batch'])).status).toBe(200);
    await deployment.sendUsage();
    const [pageViews] = await sink.waitForEvents(1, { timeoutMs: 5000 });
    expect(pageViews?.properties.rows).toEqual([
      { page: '/reports/[id]', views: 1 },
      { page: '/settings', views: 1 },
    ]);
    expect(sink.rawBytes().toString('latin1')).not.toMatch(/3f2a|secret|admin/);
  });

  it('refuses a body that is not a capture body with 400, and sends nothing', async () => {
    for (const body of ['not json at all', '{"hello":"world"}', '[1,2,3]', gzipSync('{"broken"')]) {
      const response = await ingest(post('e/', body, { 'content-type': 'text/plain' }), ['e']);
      expect(response.status).toBe(400);
    }
    await deployment.telemetry.flush();
    expect(sink.requests).toEqual([]);
  });

  it.each([['flags'], ['s'], ['decide'], ['engage'], ['static/array.js'], ['../admin']])('refuses %s', async (path) => {
    const response = await ingest(post(path, '{}'), path.split('/'));
    expect(response.status).toBe(404);
  });

  it('answers remote config locally and refuses other methods', async () => {
    expect(
      (await ingest(new Request('http://127.0.0.1/ingest/array/phc/config'), ['array', 'phc', 'config'])).status,
    ).toBe(404);
    expect((await ingest(new Request('http://127.0.0.1/ingest/e/'), ['e'])).status).toBe(405);
  });

  it('refuses oversized bodies, declared or not', async () => {
    const big = 'x'.repeat(70 * 1024);
    expect((await ingest(post('e/', big), ['e'])).status).toBe(413);
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
    expect((await ingest(undeclared, ['e'])).status).toBe(413);
    // A declared length is no promise: a body longer than the bound is refused whatever it said.
    expect((await ingest(post('e/', big, { 'content-length': '10' }), ['e'])).status).toBe(413);
  });

  it('accepts and drops everything while consent is withdrawn: nothing sent, nothing logged as sent', async () => {
    writeFileSync(join(dir, '.env'), `${readFileSync(join(dir, '.env'), 'utf8')}DISABLE_TELEMETRY=1\n`);
    deployment.reloadSettings();
    const response = await ingest(post('e/', JSON.stringify(HOSTILE)), ['e']);
    expect(response.status).toBe(200);
    // Nothing was counted: turning telemetry back on sends no page view from while it was off.
    writeFileSync(join(dir, '.env'), readFileSync(join(dir, '.env'), 'utf8').replace('DISABLE_TELEMETRY=1\n', ''));
    deployment.reloadSettings();
    expect(deployment.consent().enabled).toBe(true);
    await deployment.sendUsage();
    await deployment.telemetry.flush();
    expect(sink.requests).toEqual([]);
  });

  it('forwards nothing in preview mode', async () => {
    await deployment.shutdown(300);
    sink.clear();
    deployment = create({ ELMO_TELEMETRY_DEBUG: '1' });
    const response = await ingest(post('e/', JSON.stringify(HOSTILE)), ['e']);
    expect(response.status).toBe(200);
    await deployment.sendUsage();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sink.requests).toEqual([]);
  });
});
