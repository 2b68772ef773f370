import { randomUUID } from 'node:crypto';
import { chmodSync, chownSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURE_COUNTERS } from '@elmo/elmo-telemetry';
import { deploymentPaths } from '@elmo/elmo-telemetry/node';
import { openSpool } from '@elmo/telemetry-core/node';
import { TEST_DEPLOYMENT_ID, writeDeploymentEnv } from '@elmo/test-support';
import { useTempDir } from '@elmo/test-support/vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestPglite, type TestDatabase } from '../../../test/support/database';
import { type RouteCall as Call, callRoute as call } from '../../../test/support/route-calls';
import { TelemetryDelivery } from '../../components/telemetry-delivery';
import { readWebEnv } from '../../server/env';
import { createWebRuntime, provideRuntime } from '../../server/runtime';
import { createWebTelemetry } from '../../server/telemetry';
import { createRecordingTelemetryHooks } from '../../server/telemetry-hooks';
import * as brandPromptsRoute from './brands/[id]/prompts/route';
import * as brandRoute from './brands/[id]/route';
import * as brandsRoute from './brands/route';
import * as healthRoute from './health/route';
import * as completeRoute from './internal/jobs/[id]/complete/route';
import * as failRoute from './internal/jobs/[id]/fail/route';
import * as claimRoute from './internal/jobs/claim/route';
import * as promptRoute from './prompts/[id]/route';
import * as reportRoute from './reports/[id]/route';
import * as reportsRoute from './reports/route';
import * as settingsTelemetryRoute from './settings/telemetry/route';

// Route handlers called in-process on a real PGlite, with hooks that record what telemetry would be told.

const TOKEN = 'test-token';
const hooks = createRecordingTelemetryHooks();
let t: TestDatabase;

beforeAll(async () => {
  t = await openTestPglite();
  const env = { ...readWebEnv({ ELMO_HOME: '/nonexistent' }), internalToken: TOKEN };
  provideRuntime(createWebRuntime({ env, database: t.database, hooks }));
});
afterAll(() => t?.close());
// Every feature counter any test saw, so the last test can tell whether one of them is never exercised.
const countersSeen = new Set<unknown>();
beforeEach(() => {
  for (const call of hooks.calls) if (call.hook === 'featureUsed') countersSeen.add(call.args[0]);
  hooks.calls.length = 0;
});

const hookCalls = (hook: string) => hooks.calls.filter((c) => c.hook === hook).map((c) => c.args);
const missing = '00000000-0000-4000-8000-000000000000';

describe('brands API', () => {
  it('creates, reads, renames and deletes a brand, telling the hooks', async () => {
    const created = await call(brandsRoute.POST, 'POST', { body: { name: '  Acme  ' } });
    expect(created).toMatchObject({ status: 201, body: { brand: { name: 'Acme' } } });
    const id = created.body.brand.id as string;
    expect(hookCalls('featureUsed')).toEqual([['brands_created']]);
    expect(hookCalls('totals').at(-1)).toEqual([expect.objectContaining({ brands_total: expect.any(Number) })]);

    expect(await call(brandRoute.GET, 'GET', { params: { id } })).toMatchObject({
      status: 200,
      body: { brand: { id, name: 'Acme' }, prompts: [] },
    });
    expect(await call(brandRoute.PATCH, 'PATCH', { params: { id }, body: { name: 'Acme 2' } })).toMatchObject({
      status: 200,
      body: { brand: { name: 'Acme 2' } },
    });
    const listed = await call(brandsRoute.GET, 'GET');
    expect(listed.body.brands).toContainEqual(expect.objectContaining({ id, promptCount: 0, lastReport: null }));
    expect(await call(brandRoute.DELETE, 'DELETE', { params: { id } })).toEqual({ status: 204, body: null });
    expect((await call(brandRoute.GET, 'GET', { params: { id } })).status).toBe(404);
    expect(hookCalls('featureUsed')).toEqual([['brands_created'], ['brands_renamed'], ['brands_deleted']]);
  });

  it('reports every request by route template with its status', async () => {
    await call(brandRoute.GET, 'GET', { params: { id: missing } });
    await call(brandsRoute.GET, 'GET');
    expect(hookCalls('apiRequest')).toEqual([
      ['/api/brands/[id]', 'GET', 404, expect.any(Number)],
      ['/api/brands', 'GET', 200, expect.any(Number)],
    ]);
  });

  it.each([
    ['malformed JSON', { raw: '{"name":' }, 400, 'invalid_json'],
    ['an empty body', { raw: '' }, 400, 'invalid_json'],
    ['an array', { body: ['Acme'] }, 400, 'invalid_input'],
    ['a missing name', { body: {} }, 400, 'invalid_input'],
    ['a number', { body: { name: 42 } }, 400, 'invalid_input'],
    ['a blank name', { body: { name: '   ' } }, 400, 'invalid_input'],
    ['81 characters', { body: { name: 'x'.repeat(81) } }, 400, 'invalid_input'],
    ['a huge body', { raw: JSON.stringify({ name: 'x'.repeat(70_000) }) }, 413, 'payload_too_large'],
  ])('rejects %s with a clear JSON error', async (_what, options, status, code) => {
    const answer = await call(brandsRoute.POST, 'POST', options as Call);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ code, message: expect.stringMatching(/\S/) });
    expect(hookCalls('featureUsed')).toEqual([]);
  });

  it('accepts exactly 80 characters and names the field at fault', async () => {
    expect((await call(brandsRoute.POST, 'POST', { body: { name: 'é'.repeat(80) } })).status).toBe(201);
    const answer = await call(brandsRoute.POST, 'POST', { body: { name: '' } });
    expect(answer.body).toEqual({
      error: { code: 'invalid_input', message: 'Brand name is required.', field: 'name' },
    });
  });

  it('answers 404 for unknown and malformed ids', async () => {
    for (const id of [missing, 'not-a-uuid']) {
      expect((await call(brandRoute.PATCH, 'PATCH', { params: { id }, body: { name: 'x' } })).status).toBe(404);
      expect((await call(brandRoute.DELETE, 'DELETE', { params: { id } })).status).toBe(404);
      expect((await call(brandPromptsRoute.POST, 'POST', { params: { id }, body: { text: 'x' } })).status).toBe(404);
    }
    expect(hookCalls('featureUsed')).toEqual([]);
  });
});

describe('prompts API', () => {
  it('adds, edits (counting only real changes) and deletes prompts', async () => {
    const brand = (await call(brandsRoute.POST, 'POST', { body: { name: 'Prompted' } })).body.brand;
    const params = { id: brand.id };
    const created = await call(brandPromptsRoute.POST, 'POST', { params, body: { text: 'Which coffee is best?' } });
    expect(created).toMatchObject({ status: 201, body: { prompt: { text: 'Which coffee is best?', editedAt: null } } });
    const id = created.body.prompt.id;

    expect(
      (await call(promptRoute.PATCH, 'PATCH', { params: { id }, body: { text: 'Which coffee is best?' } })).body,
    ).toMatchObject({
      changed: false,
    });
    const edited = await call(promptRoute.PATCH, 'PATCH', { params: { id }, body: { text: 'Which tea is best?' } });
    expect(edited.body).toMatchObject({
      changed: true,
      prompt: { text: 'Which tea is best?', editedAt: expect.any(String) },
    });
    expect((await call(brandPromptsRoute.GET, 'GET', { params })).body.prompts).toHaveLength(1);
    expect(await call(promptRoute.DELETE, 'DELETE', { params: { id } })).toEqual({ status: 204, body: null });
    expect((await call(promptRoute.GET, 'GET', { params: { id } })).status).toBe(404);

    expect(hookCalls('featureUsed')).toEqual([
      ['brands_created'],
      ['prompts_created'],
      ['prompts_edited'],
      ['prompts_deleted'],
    ]);
  });

  it('validates prompt text: 1–2000 characters', async () => {
    const brand = (await call(brandsRoute.POST, 'POST', { body: { name: 'Limits' } })).body.brand;
    const params = { id: brand.id };
    expect((await call(brandPromptsRoute.POST, 'POST', { params, body: { text: 'x'.repeat(2000) } })).status).toBe(201);
    const long = await call(brandPromptsRoute.POST, 'POST', { params, body: { text: 'x'.repeat(2001) } });
    expect(long.body.error).toEqual({
      code: 'invalid_input',
      field: 'text',
      message: 'Prompt text must be at most 2000 characters (it has 2001).',
    });
    expect((await call(brandPromptsRoute.POST, 'POST', { params, body: { text: null } })).status).toBe(400);
  });
});

describe('reports API and the internal job API', () => {
  it('queues a report, hands it to a worker with the inventory, stores the result', async () => {
    const brand = (await call(brandsRoute.POST, 'POST', { body: { name: 'Reported' } })).body.brand;
    await call(brandPromptsRoute.POST, 'POST', { params: { id: brand.id }, body: { text: 'one' } });
    expect((await call(reportsRoute.POST, 'POST', { body: { brandId: missing } })).status).toBe(404);
    expect((await call(reportsRoute.POST, 'POST', { body: { brandId: 'nope' } })).body.error.field).toBe('brandId');

    const queued = await call(reportsRoute.POST, 'POST', { body: { brandId: brand.id } });
    expect(queued).toMatchObject({ status: 201, body: { report: { status: 'queued', attempts: 0 } } });
    const reportId = queued.body.report.id;

    expect((await call(claimRoute.POST, 'POST', { body: { workerId: 'w1' } })).status).toBe(401);
    expect((await call(claimRoute.POST, 'POST', { body: { workerId: 'w1' }, token: 'wrong-token' })).status).toBe(401);
    expect((await call(claimRoute.POST, 'POST', { body: { workerId: '' }, token: TOKEN })).status).toBe(400);

    const claimed = await call(claimRoute.POST, 'POST', { body: { workerId: 'w1' }, token: TOKEN });
    expect(claimed.body.job).toMatchObject({ id: reportId, attempts: 1, brand: { name: 'Reported' } });
    expect(claimed.body.job.prompts).toEqual([expect.objectContaining({ text: 'one', editedAt: null })]);
    expect((await call(claimRoute.POST, 'POST', { body: { workerId: 'w1' }, token: TOKEN })).status).toBe(204);

    const params = { id: reportId };
    const bad = await call(completeRoute.POST, 'POST', {
      params,
      token: TOKEN,
      body: { workerId: 'w1', result: { version: 2 } },
    });
    expect(bad).toMatchObject({ status: 400, body: { error: { field: 'result' } } });
    const promptId = claimed.body.job.prompts[0].id;
    const result = {
      version: 2,
      generatedAt: new Date().toISOString(),
      brand: { id: brand.id, name: 'Reported' },
      totals: { prompts: 1, createdLast7Days: 1, createdLast30Days: 1, editedLast7Days: 0, editedLast30Days: 0 },
      prompts: [{ id: promptId, text: 'one', createdAt: new Date().toISOString(), lastEditedAt: null }],
      providers: [
        {
          provider: 'offline',
          answered: 1,
          mentioned: 1,
          failed: 0,
          calls: 1,
          errors: { timeout: 0, rate_limited: 0, auth: 0, server: 0, other: 0 },
          answers: [{ promptId, mentioned: true, position: 1, error: null }],
        },
      ],
    };
    // A version 1 result is only ever read from old rows, never accepted from a worker.
    const old = { ...result, version: 1, providers: undefined };
    expect(
      (await call(completeRoute.POST, 'POST', { params, token: TOKEN, body: { workerId: 'w1', result: old } })).status,
    ).toBe(400);
    expect(
      (await call(completeRoute.POST, 'POST', { params, token: TOKEN, body: { workerId: 'w2', result } })).status,
    ).toBe(409);
    expect(
      await call(completeRoute.POST, 'POST', { params, token: TOKEN, body: { workerId: 'w1', result } }),
    ).toMatchObject({
      status: 200,
      body: { job: { id: reportId, status: 'done' } },
    });
    expect((await call(reportRoute.GET, 'GET', { params })).body.report).toMatchObject({ status: 'done', result });
    const list = await call(reportsRoute.GET, 'GET', { query: `?brandId=${brand.id}` });
    expect(list.body.reports).toEqual([expect.not.objectContaining({ result: expect.anything() })]);
    expect((await call(reportsRoute.GET, 'GET', { query: '?limit=0' })).status).toBe(400);
    expect(
      (
        await call(completeRoute.POST, 'POST', {
          params: { id: missing },
          token: TOKEN,
          body: { workerId: 'w1', result },
        })
      ).status,
    ).toBe(404);
    // Requested once, completed once: the refused completions (wrong worker, unknown job) are not counted.
    expect(hookCalls('featureUsed')).toEqual([
      ['brands_created'],
      ['prompts_created'],
      ['reports_requested'],
      ['reports_completed'],
    ]);
  });

  it('re-queues a failed job until its attempts run out, then counts it as failed', async () => {
    const brand = (await call(brandsRoute.POST, 'POST', { body: { name: 'Flaky' } })).body.brand;
    const reportId = (await call(reportsRoute.POST, 'POST', { body: { brandId: brand.id } })).body.report.id;
    const params = { id: reportId };
    expect(
      (await call(failRoute.POST, 'POST', { params, token: TOKEN, body: { workerId: 'w1', errorCode: 'Bad Code' } }))
        .status,
    ).toBe(400);
    for (const expected of ['queued', 'queued', 'failed']) {
      const claimed = await call(claimRoute.POST, 'POST', { body: { workerId: 'w1' }, token: TOKEN });
      expect(claimed.body.job.id).toBe(reportId);
      const failed = await call(failRoute.POST, 'POST', {
        params,
        token: TOKEN,
        body: { workerId: 'w1', errorCode: 'boom' },
      });
      expect(failed.body.job.status).toBe(expected);
    }
    expect((await call(reportRoute.GET, 'GET', { params })).body.report).toMatchObject({
      status: 'failed',
      attempts: 3,
      errorCode: 'boom',
    });
    // Only the last failure, which ends the report, counts; the re-queued attempts do not.
    expect(hookCalls('featureUsed')).toEqual([['brands_created'], ['reports_requested'], ['reports_failed']]);
  });

  it('refuses the internal API entirely when no token is configured', async () => {
    const env = { ...readWebEnv({ ELMO_HOME: '/nonexistent' }), internalToken: null };
    provideRuntime(createWebRuntime({ env, database: t.database, hooks }));
    try {
      expect((await call(claimRoute.POST, 'POST', { body: { workerId: 'w1' }, token: '' })).status).toBe(401);
      expect((await call(claimRoute.POST, 'POST', { body: { workerId: 'w1' }, token: 'anything' })).status).toBe(401);
    } finally {
      provideRuntime(createWebRuntime({ env: { ...env, internalToken: TOKEN }, database: t.database, hooks }));
    }
  });
});

describe('health', () => {
  it('answers 200 with the database mode', async () => {
    expect(await call(healthRoute.GET, 'GET')).toEqual({ status: 200, body: { status: 'ok', database: 'pglite' } });
  });
});

describe('settings switch', () => {
  const home = useTempDir('elmo-settings-switch-');

  it('keeps the mode of the deployment .env, and as root its owner', async () => {
    // Consent also reads the user's own config under HOME: keep the machine's out of this test.
    vi.stubEnv('HOME', join(home.path, 'user'));
    vi.stubEnv('XDG_CONFIG_HOME', join(home.path, 'user', '.config'));
    const envFile = writeDeploymentEnv(join(home.path, 'deploy'));
    chmodSync(envFile, 0o644);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chownSync(envFile, 4321, 4321);
    const env = { ...readWebEnv({ ELMO_HOME: join(home.path, 'deploy') }), internalToken: TOKEN };
    const telemetry = createWebTelemetry(env);
    provideRuntime(createWebRuntime({ env, database: t.database, telemetry }));
    try {
      for (const enabled of [false, true]) {
        const answer = await call(settingsTelemetryRoute.POST, 'POST', { body: { enabled } });
        expect(answer).toMatchObject({ status: 200, body: { enabled } });
        expect(readFileSync(envFile, 'utf8').includes('DISABLE_TELEMETRY=1')).toBe(!enabled);
        const stats = statSync(envFile);
        expect(stats.mode & 0o7777).toBe(0o644);
        if (asRoot) expect([stats.uid, stats.gid]).toEqual([4321, 4321]);
      }
    } finally {
      await telemetry.shutdown();
      vi.unstubAllEnvs();
      provideRuntime(createWebRuntime({ env: { ...env, internalToken: TOKEN }, database: t.database, hooks }));
    }
  });
});

describe('settings status', () => {
  const home = useTempDir('elmo-settings-status-');

  it('shows the queue and spool bounds, what waits in them and the drops, as the settings page renders them', async () => {
    vi.stubEnv('HOME', join(home.path, 'user'));
    vi.stubEnv('XDG_CONFIG_HOME', join(home.path, 'user', '.config'));
    const dir = join(home.path, 'deploy');
    writeDeploymentEnv(dir);
    // An earlier run's shutdown kept two events for the next start.
    const spooled = ['deployment_stopped', 'feature_usage'].map((event) => ({
      uuid: randomUUID(),
      event,
      distinctId: TEST_DEPLOYMENT_ID,
      timestamp: new Date().toISOString(),
      properties: {},
    }));
    openSpool(deploymentPaths(dir).spoolFile).append(spooled);
    const env = { ...readWebEnv({ ELMO_HOME: dir }), internalToken: TOKEN };
    const telemetry = createWebTelemetry(env);
    provideRuntime(createWebRuntime({ env, database: t.database, telemetry }));
    try {
      const answer = await call(settingsTelemetryRoute.GET, 'GET');
      expect(answer.status).toBe(200);
      expect(answer.body.delivery).toEqual({
        queue: { pending: 0, capacity: 1000, dropped: 0 },
        failedAttempts: 0,
        refused: 0,
        spool: { pending: 2, capacity: 1000, dropped: 0 },
      });

      const html = renderToStaticMarkup(createElement(TelemetryDelivery, { delivery: telemetry.panel().delivery }));
      expect(html).toContain('<h3>Delivery</h3>');
      expect(html).toContain('<dt>Queue</dt>');
      expect(html).toContain('0 of 1,000 waiting · 0 dropped (queue full)');
      expect(html).toContain('<dt>Kept for the next start</dt>');
      expect(html).toContain('2 of 1,000 · 0 dropped (spool full)');
      // Retries and refusals are shown only when there are some.
      expect(html).not.toContain('Retrying');
      expect(html).not.toContain('Refused');
      const troubled = renderToStaticMarkup(
        createElement(TelemetryDelivery, { delivery: { ...answer.body.delivery, failedAttempts: 3, refused: 1 } }),
      );
      expect(troubled).toContain('Retrying after 3 failed attempts');
      expect(troubled).toContain(
        '<dt>Refused by the endpoint</dt><dd data-testid="telemetry-delivery-refused">1 event</dd>',
      );
    } finally {
      await telemetry.shutdown();
      vi.unstubAllEnvs();
      provideRuntime(createWebRuntime({ env: { ...env, internalToken: TOKEN }, database: t.database, hooks }));
    }
  });
});

describe('feature counters', () => {
  // Runs last (vitest keeps the file's order): each counter of feature_usage is told by some route above.
  it('are each counted by a route tested above', () => {
    const seen = [...countersSeen].sort();
    expect(seen, 'counters seen by the whole file (run it unfiltered)').toEqual([...FEATURE_COUNTERS].sort());
  });
});
