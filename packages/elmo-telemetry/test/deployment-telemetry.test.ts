import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditDelivery, type Sink, startSink } from '@elmo/posthog-sink';
import { readLocalLog, updateEnvFile } from '@elmo/telemetry-core/node';
import { waitUntil, writeDeploymentEnv } from '@elmo/test-support';
import { useTempDir } from '@elmo/test-support/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createDeploymentTelemetry,
  type DeploymentIntervals,
  type DeploymentTelemetry,
} from '../src/deployment/deployment-telemetry.js';
import { deploymentPaths } from '../src/node/paths.js';

const DEPLOYMENT_ID = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';
const temp = useTempDir('elmo-deploy-');
let sink: Sink;
let dir: string;
let running: DeploymentTelemetry[] = [];

beforeEach(async () => {
  sink = await startSink();
  dir = temp.path;
  writeDeploymentEnv(dir, sink.url, '', DEPLOYMENT_ID);
});
afterEach(async () => {
  await Promise.all(running.map((t) => t.shutdown(200)));
  running = [];
  await sink.close();
});

function readLog(): { uuid: string; event: string; status: string; reason?: string }[] {
  return readLocalLog(deploymentPaths(dir).logFile);
}

function create(component: 'web' | 'worker' = 'web', env: Record<string, string> = {}, productVersion = '1.0.0') {
  const telemetry = createDeploymentTelemetry({
    component,
    deploymentDir: dir,
    homedir: dir,
    env,
    productVersion,
    intervals: { flushMs: 50, consentPollMs: 100 },
    totals: async () => ({ brands_total: 4, prompts_total: 9 }),
  });
  running.push(telemetry);
  return telemetry;
}

/** The web component's telemetry with exactly these intervals (undefined ones keep the defaults) and no totals. */
function createWithIntervals(intervals: Partial<DeploymentIntervals>) {
  const telemetry = createDeploymentTelemetry({
    component: 'web',
    deploymentDir: dir,
    homedir: dir,
    env: {},
    productVersion: '1.0.0',
    intervals,
  });
  running.push(telemetry);
  return telemetry;
}

describe('deployment telemetry', () => {
  it('reports install, then nothing, then an update with the old version', async () => {
    mkdirSync(join(dir, 'data'), { recursive: true });
    for (const version of ['1.0.0', '1.0.0', '1.1.0']) {
      const telemetry = create('web', {}, version);
      telemetry.reportVersion();
      await telemetry.shutdown(1000);
    }
    const lifecycle = sink.events.filter((e) => e.event.endsWith('_complete'));
    expect(lifecycle.map((e) => [e.event, e.properties.old_version, e.distinctId])).toEqual([
      ['install_complete', undefined, DEPLOYMENT_ID],
      ['update_complete', '1.0.0', DEPLOYMENT_ID],
    ]);
  });

  it('sends started, usage counts with totals, request and page view rows by template, and stopped', async () => {
    const telemetry = create('web');
    telemetry.started();
    telemetry.featureUsed('brands_created');
    telemetry.featureUsed('prompts_created', 2);
    telemetry.apiRequest('/api/brands/[id]', 'PATCH', 200, 12);
    telemetry.apiRequest('/api/brands/[id]', 'PATCH', 200, 20);
    telemetry.apiRequest('/api/brands', 'GET', 404, 3);
    telemetry.pageView('/brands/[id]');
    await telemetry.shutdown(2000);
    expect(sink.events.map((e) => e.event).sort()).toEqual(
      ['api_requests', 'deployment_started', 'deployment_stopped', 'feature_usage', 'page_views'].sort(),
    );
    const byName = Object.fromEntries(sink.events.map((e) => [e.event, e]));
    expect(byName.deployment_started?.properties.component).toBe('web');
    expect(byName.feature_usage?.properties).toMatchObject({
      brands_created: 1,
      prompts_created: 2,
      brands_total: 4,
      prompts_total: 9,
    });
    expect(byName.api_requests?.properties.rows).toEqual([
      { route: '/api/brands', method: 'GET', status_class: '4xx', count: 1, p50_ms: 3, p95_ms: 3 },
      { route: '/api/brands/[id]', method: 'PATCH', status_class: '2xx', count: 2, p50_ms: 12, p95_ms: 20 },
    ]);
    expect(byName.page_views?.properties.rows).toEqual([{ page: '/brands/[id]', views: 1 }]);
    expect(byName.deployment_stopped?.properties.component).toBe('web');
    expect(new Set(sink.events.map((e) => e.distinctId))).toEqual(new Set([DEPLOYMENT_ID]));
  });

  it('describes the deployment it runs in: settings on deployment_started, the kernel release on stopped', async () => {
    const telemetry = createDeploymentTelemetry({
      component: 'worker',
      deploymentDir: dir,
      homedir: dir,
      env: {},
      productVersion: '1.0.0',
      settings: { providers: ['openai', 'offline'], deploymentMode: 'whitelabel', databaseMode: 'postgres' },
      intervals: { flushMs: 50, consentPollMs: 100 },
    });
    running.push(telemetry);
    telemetry.started();
    await telemetry.shutdown(2000);
    const byName = Object.fromEntries(sink.events.map((e) => [e.event, e]));
    expect(byName.deployment_started?.properties).toMatchObject({
      component: 'worker',
      database_mode: 'postgres',
      providers: ['offline', 'openai'],
      deployment_mode: 'whitelabel',
    });
    expect(byName.deployment_stopped?.properties.os_release).toMatch(/^\d+\.\d+$/);
  });

  it('counts provider calls per provider with errors by class and percentiles, sent with the usage', async () => {
    const telemetry = create('worker');
    for (const durationMs of [100, 200, 300]) telemetry.providerCall({ provider: 'openai', durationMs });
    telemetry.providerCall({ provider: 'openai', durationMs: 5000, error: 'server' });
    telemetry.providerCall({ provider: 'anthropic', durationMs: 40, error: 'rate_limited' });
    telemetry.providerCall({ provider: 'anthropic', durationMs: 60, error: 'auth' });
    await telemetry.sendUsage();
    const rows = sink.events.filter((e) => e.event === 'provider_usage').map((e) => e.properties);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.provider === 'openai')).toMatchObject({
      requests: 4,
      errors_server: 1,
      errors_timeout: 0,
      errors_rate_limited: 0,
      errors_auth: 0,
      errors_other: 0,
      p50_ms: 200,
      p95_ms: 5000,
    });
    expect(rows.find((r) => r.provider === 'anthropic')).toMatchObject({
      requests: 2,
      errors_rate_limited: 1,
      errors_auth: 1,
      errors_server: 0,
    });
    expect(sink.events.some((e) => e.event === 'feature_usage')).toBe(false);
  });

  it('sends feature_usage only when a feature was used, request aggregates whenever there were requests', async () => {
    const telemetry = create('web');
    telemetry.apiRequest('/api/brands', 'GET', 200, 3);
    await telemetry.sendUsage();
    await telemetry.telemetry.flush();
    expect(sink.events.map((e) => e.event)).toEqual(['api_requests']);
  });

  it('sends feature counts every usage interval, API requests and page views with every sixth (hourly)', async () => {
    const usageMs = 60;
    const telemetry = createWithIntervals({ flushMs: 50, consentPollMs: 100, usageMs });
    const started = Date.now();
    telemetry.featureUsed('brands_created');
    telemetry.apiRequest('/api/reports', 'POST', 201, 8);
    telemetry.pageView('/');
    await sink.waitForEvents((e) => e.event === 'feature_usage', { timeoutMs: 3000 });
    expect(sink.events.map((e) => e.event)).toEqual(['feature_usage']);
    telemetry.featureUsed('prompts_created');
    telemetry.apiRequest('/api/reports', 'POST', 201, 9);
    const hourly = await sink.waitForEvents((e) => e.event === 'api_requests' || e.event === 'page_views', {
      count: 2,
      timeoutMs: 5000,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(6 * usageMs);
    expect(hourly.find((e) => e.event === 'api_requests')?.properties.rows).toMatchObject([
      { route: '/api/reports', method: 'POST', status_class: '2xx', count: 2 },
    ]);
    expect(hourly.find((e) => e.event === 'page_views')?.properties.rows).toEqual([{ page: '/', views: 1 }]);
    expect(sink.events.filter((e) => e.event === 'feature_usage')).toHaveLength(2);
  });

  it('keeps the default intervals where the given ones are undefined', async () => {
    const telemetry = createWithIntervals({ usageMs: undefined, flushMs: undefined });
    telemetry.apiRequest('/api/brands', 'GET', 200, 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.requests).toEqual([]);
  });

  it('sends nothing when DEPLOYMENT_ID is not a random UUID', async () => {
    writeFileSync(
      join(dir, '.env'),
      `DEPLOYMENT_ID=alice-laptop\nELMO_POSTHOG_HOST=${sink.url}\nELMO_POSTHOG_KEY=phc_test\n`,
    );
    const telemetry = create('web');
    telemetry.started();
    await telemetry.shutdown(1000);
    expect(telemetry.deploymentId()).toBeUndefined();
    expect(sink.requests).toEqual([]);
  });

  it('sends nothing without a DEPLOYMENT_ID', async () => {
    writeFileSync(join(dir, '.env'), `ELMO_POSTHOG_HOST=${sink.url}\nELMO_POSTHOG_KEY=phc_test\n`);
    const telemetry = create('worker');
    telemetry.started();
    await telemetry.shutdown(1000);
    expect(sink.requests).toEqual([]);
  });

  it('applies a withdrawal in the .env live: the queue is dropped and nothing more is sent', async () => {
    const telemetry = create('worker');
    telemetry.started();
    await sink.waitForEvents(1, { timeoutMs: 3000 });
    updateEnvFile(join(dir, '.env'), { DISABLE_TELEMETRY: '1' });
    await new Promise((r) => setTimeout(r, 400));
    expect(telemetry.consent()).toMatchObject({ enabled: false, source: 'deployment-env' });
    const before = sink.requests.length;
    telemetry.featureUsed('reports_requested');
    telemetry.telemetry.track('heartbeat', { component: 'worker', uptime_hours: 1 });
    await telemetry.shutdown(1000);
    expect(sink.requests.length).toBe(before);
    updateEnvFile(join(dir, '.env'), { DISABLE_TELEMETRY: null });
    const again = create('worker');
    again.started();
    await sink.waitForEvents((e) => e.event === 'deployment_started', { count: 2, timeoutMs: 3000 });
  });

  it('an operator kill switch in the process env wins over the .env', async () => {
    const telemetry = create('web', { DO_NOT_TRACK: '1' });
    telemetry.started();
    telemetry.featureUsed('brands_created');
    await telemetry.shutdown(1000);
    expect(telemetry.consent()).toMatchObject({
      enabled: false,
      source: 'process-env',
      lockedBy: { kind: 'process-env', variable: 'DO_NOT_TRACK' },
    });
    expect(sink.requests).toEqual([]);
  });

  it('keeps events through an outage, spools what the shutdown deadline cut off, and sends it once after the next start', async () => {
    sink.setMode('status:503');
    const first = create('web');
    first.started();
    first.featureUsed('brands_created');
    await first.sendUsage();
    await waitUntil(() => first.deliveryStatus().failedAttempts > 0, 'a failed send', 5000);
    expect(first.deliveryStatus().queue.pending).toBe(2);
    await first.shutdown(500);
    const spooled = readLog().filter((line) => line.status === 'queued');
    expect(spooled.map((line) => [line.event, line.reason])).toEqual([
      ['deployment_started', 'kept for the next start'],
      ['feature_usage', 'kept for the next start'],
      ['deployment_stopped', 'kept for the next start'],
    ]);
    expect(create('worker').deliveryStatus().spool).toEqual({ pending: 3, capacity: 1000, dropped: 0 });

    sink.setMode('healthy');
    const second = create('worker');
    second.started();
    await waitUntil(() => sink.events.length >= 4, 'the spooled events and the new start', 5000);
    const audit = auditDelivery(sink.requests);
    for (const line of spooled) expect(audit.accepted.has(line.uuid), line.event).toBe(true);
    expect(audit.resentAfterAnswer).toEqual([]);
    expect(second.deliveryStatus().spool.pending).toBe(0);
    await second.shutdown(1000);
    const sentTwice = sink.events.filter((e, i, all) => all.findIndex((o) => o.uuid === e.uuid) !== i);
    expect(sentTwice).toEqual([]);
  });

  it('sends the last page views and API requests at shutdown, before the hour is over', async () => {
    const telemetry = create('web');
    telemetry.started();
    telemetry.apiRequest('/api/brands', 'GET', 200, 3);
    for (let i = 0; i < 3; i += 1) telemetry.pageView('/');
    await telemetry.shutdown(2000);
    expect(sink.events.filter((e) => e.event === 'page_views').map((e) => e.properties.rows)).toEqual([
      [{ page: '/', views: 3 }],
    ]);
    expect(sink.events.filter((e) => e.event === 'api_requests')).toHaveLength(1);
    expect(telemetry.deliveryStatus().spool.pending).toBe(0);
  });

  it('two processes starting together never both send the spooled events', async () => {
    sink.setMode('status:503');
    const first = create('web');
    first.started();
    await first.shutdown(300);
    sink.setMode('healthy');
    const [web, worker] = [create('web'), create('worker')];
    web.started();
    worker.started();
    await waitUntil(() => sink.events.length >= 3, 'two starts and the spooled events', 5000);
    await Promise.all([web.shutdown(1000), worker.shutdown(1000)]);
    const uuids = sink.events.map((e) => e.uuid);
    expect(new Set(uuids).size).toBe(uuids.length);
    expect(sink.events.filter((e) => e.event === 'deployment_started')).toHaveLength(3);
  });

  it('shuts down within its deadline when the endpoint never answers', async () => {
    sink.setMode('hang');
    const telemetry = create('web');
    telemetry.started();
    telemetry.featureUsed('brands_created');
    const started = Date.now();
    await telemetry.shutdown(2000);
    expect(Date.now() - started).toBeLessThan(2300);
  });
});

// Properties that could link an event to others: none may ride on a deletion request or an ephemeral event's id.
const LINKING = ['session_id', 'product_version', 'event_version', 'os', 'arch', 'node_version', 'deployment_mode'];

describe('forgetting the deployment (SPEC §6)', () => {
  const slow = (env: Record<string, string> = {}) => {
    const telemetry = createDeploymentTelemetry({
      component: 'web',
      deploymentDir: dir,
      homedir: dir,
      env,
      productVersion: '1.0.0',
      intervals: { flushMs: 60_000, consentPollMs: 100 },
      totals: async () => ({ brands_total: 1, prompts_total: 1 }),
    });
    running.push(telemetry);
    return telemetry;
  };

  it('sends exactly one deletion_request keyed by the old DEPLOYMENT_ID, replaces the id, turns telemetry off, and sends nothing after it', async () => {
    const telemetry = slow();
    telemetry.started();
    await telemetry.telemetry.flush();
    await sink.waitForEvents(1);
    // Queued under the old id and not sent yet: it must never leave.
    telemetry.telemetry.track('heartbeat', { component: 'web', uptime_hours: 1 });
    telemetry.pageView('/');
    telemetry.featureUsed('brands_created');

    const result = await telemetry.forget();
    expect(result.previousId).toBe(DEPLOYMENT_ID);
    expect(result.newId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(result.newId).not.toBe(DEPLOYMENT_ID);
    expect(result.requestSent).toBe(true);
    const env = readFileSync(join(dir, '.env'), 'utf8');
    expect(env).toContain('# test deployment\n');
    expect(env).toContain(`ELMO_POSTHOG_HOST=${sink.url}\n`);
    expect(env).toContain(`DEPLOYMENT_ID=${result.newId}\n`);
    expect(env).toContain('DISABLE_TELEMETRY=1\n');
    expect(env).not.toContain(DEPLOYMENT_ID);
    expect(telemetry.deploymentId()).toBe(result.newId);
    expect(telemetry.consent()).toMatchObject({ enabled: false, source: 'deployment-env' });

    // Everything a running deployment still does afterwards, and its shutdown, sends nothing.
    telemetry.featureUsed('prompts_created');
    telemetry.telemetry.track('heartbeat', { component: 'web', uptime_hours: 2 });
    telemetry.pageView('/settings');
    await telemetry.sendUsage();
    await telemetry.shutdown(1000);
    await new Promise((r) => setTimeout(r, 300));

    expect(sink.events.map((e) => e.event)).toEqual(['deployment_started', 'deletion_request']);
    const request = sink.events[1];
    expect(request?.distinctId).toBe(DEPLOYMENT_ID);
    for (const name of LINKING) expect(request?.properties, name).not.toHaveProperty(name);
    expect(sink.rawBytes().includes(result.newId)).toBe(false);
    const log = readLog();
    expect(log.filter((e) => e.reason === 'forgotten').map((e) => e.event)).toEqual(['heartbeat']);
    // Counts made under the old id were discarded, not sent: no usage event was even recorded.
    expect(log.some((e) => e.event === 'page_views' || e.event === 'feature_usage')).toBe(false);
    expect(log.filter((e) => e.event === 'deletion_request').map((e) => e.status)).toEqual(['sent']);
  });

  it('drops what an earlier run kept for the next start, so that nothing of the old id is sent later', async () => {
    sink.setMode('status:503');
    const first = slow();
    first.started();
    await first.shutdown(300);
    expect(first.deliveryStatus().spool.pending).toBe(2);
    sink.setMode('healthy');

    const second = slow();
    const result = await second.forget();
    expect(second.deliveryStatus().spool.pending).toBe(0);
    expect(
      readLog()
        .filter((e) => e.reason === 'forgotten')
        .map((e) => e.event),
    ).toEqual(['deployment_started', 'deployment_stopped']);
    // A later start (telemetry now off) sends nothing either.
    const third = slow();
    third.started();
    await third.shutdown(500);
    const accepted = sink.events.filter((e) => e.event !== 'deployment_started' || e.distinctId !== DEPLOYMENT_ID);
    expect(accepted.map((e) => [e.event, e.distinctId])).toEqual([['deletion_request', DEPLOYMENT_ID]]);
    expect(result.previousId).toBe(DEPLOYMENT_ID);
  });

  it('sends the request even when telemetry was already off, and none when there was no id to forget', async () => {
    updateEnvFile(join(dir, '.env'), { DISABLE_TELEMETRY: '1' });
    const off = slow();
    expect((await off.forget()).requestSent).toBe(true);
    expect(sink.events.map((e) => [e.event, e.distinctId])).toEqual([['deletion_request', DEPLOYMENT_ID]]);

    writeFileSync(join(dir, '.env'), `ELMO_POSTHOG_HOST=${sink.url}\nELMO_POSTHOG_KEY=phc_test\n`);
    const none = await slow().forget();
    expect(none.previousId).toBeUndefined();
    expect(none.requestSent).toBe(false);
    expect(readFileSync(join(dir, '.env'), 'utf8')).toContain(`DEPLOYMENT_ID=${none.newId}`);
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.events).toHaveLength(1);
  });

  it('refuses a corrupt .env before anything is sent or written', async () => {
    const telemetry = slow();
    writeFileSync(join(dir, '.env'), Buffer.from([0x44, 0x00, 0x3d, 0x31]));
    await expect(telemetry.forget()).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.requests).toEqual([]);
  });
});

describe('ephemeral identity (ELMO_TELEMETRY_ID=ephemeral, SPEC §4)', () => {
  it.each([
    ['the process env', { ELMO_TELEMETRY_ID: 'ephemeral' }, ''],
    ['the deployment .env', {}, 'ELMO_TELEMETRY_ID=ephemeral\n'],
  ])(
    'from %s: a different distinct id per event, no session id, DEPLOYMENT_ID unused, install detection kept',
    async (_from, env, extra) => {
      writeDeploymentEnv(dir, sink.url, extra, DEPLOYMENT_ID);
      mkdirSync(join(dir, 'data'), { recursive: true });
      for (const round of [1, 2]) {
        const telemetry = create('web', env);
        expect(telemetry.ephemeral).toBe(true);
        telemetry.reportVersion();
        telemetry.started();
        telemetry.featureUsed('brands_created');
        telemetry.pageView('/');
        await telemetry.shutdown(2000);
        if (round === 1) expect(sink.events.filter((e) => e.event === 'install_complete')).toHaveLength(1);
      }
      const events = sink.events;
      expect(events.map((e) => e.event).sort()).toEqual(
        [
          'install_complete',
          ...['deployment_started', 'feature_usage', 'page_views', 'deployment_stopped'].flatMap((e) => [e, e]),
        ].sort(),
      );
      expect(new Set(events.map((e) => e.distinctId)).size).toBe(events.length);
      for (const event of events) {
        expect(event.distinctId).not.toBe(DEPLOYMENT_ID);
        expect(event.properties, event.event).not.toHaveProperty('session_id');
      }
      expect(sink.rawBytes().includes(DEPLOYMENT_ID)).toBe(false);
    },
  );
});
