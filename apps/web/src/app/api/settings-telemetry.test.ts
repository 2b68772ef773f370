import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Sink, startSink } from '@elmo/posthog-sink';
import { writeDeploymentEnv } from '@elmo/test-support';
import { useTempDir } from '@elmo/test-support/vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestPglite, type TestDatabase } from '../../../test/support/database';
import { callRoute as call, routeRequest } from '../../../test/support/route-calls';
import { TelemetryPanel } from '../../components/telemetry-panel';
import { readWebEnv } from '../../server/env';
import { createWebRuntime, provideRuntime } from '../../server/runtime';
import { createWebTelemetry, type WebTelemetry } from '../../server/telemetry';
import * as forgetRoute from './settings/telemetry/forget/route';
import * as logRoute from './settings/telemetry/log/route';
import * as settingsRoute from './settings/telemetry/route';

// The settings page's telemetry routes, called in-process on a real deployment folder: the mode control's
// writes (and its refusals), "Forget this deployment", and the download of the local log.

const home = useTempDir('elmo-settings-telemetry-');
let t: TestDatabase;
let sink: Sink;
let telemetry: WebTelemetry | undefined;
let dir: string;
let envFile: string;
/** Each test's own deployment id, so that events of one test's deployment never count in another's. */
let deploymentId: string;

beforeAll(async () => {
  t = await openTestPglite();
  sink = await startSink();
});
afterAll(async () => {
  await sink?.close();
  await t?.close();
});
beforeEach(() => {
  // Consent also reads the user's own config under HOME: keep the machine's out of these tests.
  vi.stubEnv('HOME', join(home.path, 'user'));
  vi.stubEnv('XDG_CONFIG_HOME', join(home.path, 'user', '.config'));
  dir = join(home.path, `deploy-${Math.random().toString(36).slice(2)}`);
  deploymentId = randomUUID();
  envFile = writeDeploymentEnv(dir, sink.url, '', deploymentId);
});
afterEach(async () => {
  await telemetry?.shutdown();
  telemetry = undefined;
  vi.unstubAllEnvs();
});

/** Starts the deployment's web telemetry with `env` (a clean process environment plus these variables). */
function serve(env: Record<string, string> = {}): WebTelemetry {
  const policy = env.ELMO_TELEMETRY_POLICY ?? join(home.path, 'no-policy.json');
  const webEnv = readWebEnv({ ELMO_HOME: dir, ELMO_TELEMETRY_FLUSH_MS: '100', ...env, ELMO_TELEMETRY_POLICY: policy });
  telemetry = createWebTelemetry(webEnv);
  provideRuntime(createWebRuntime({ env: webEnv, database: t.database, telemetry }));
  return telemetry;
}

const telemetryLines = () =>
  readFileSync(envFile, 'utf8')
    .split('\n')
    .filter((line) => /^(DISABLE_TELEMETRY|TELEMETRY_MODE|DO_NOT_TRACK)=/.test(line));

describe('POST /api/settings/telemetry', () => {
  it('writes each mode to the deployment .env, keeping every other line, and answers the new decision', async () => {
    serve();
    const expected = {
      local: { lines: ['TELEMETRY_MODE=local'], enabled: false },
      off: { lines: ['DISABLE_TELEMETRY=1'], enabled: false },
      on: { lines: [], enabled: true },
    } as const;
    for (const mode of ['local', 'off', 'local', 'on'] as const) {
      const answer = await call(settingsRoute.POST, 'POST', { body: { mode } });
      expect(answer).toMatchObject({ status: 200, body: { mode, enabled: expected[mode].enabled } });
      expect(telemetryLines()).toEqual(expected[mode].lines);
      expect(readFileSync(envFile, 'utf8')).toContain(`# test deployment\nDEPLOYMENT_ID=${deploymentId}\n`);
    }
  });

  it('still takes the older { enabled } body', async () => {
    serve();
    expect(await call(settingsRoute.POST, 'POST', { body: { enabled: false } })).toMatchObject({
      status: 200,
      body: { mode: 'off' },
    });
    expect(telemetryLines()).toEqual(['DISABLE_TELEMETRY=1']);
    expect(await call(settingsRoute.POST, 'POST', { body: { enabled: true } })).toMatchObject({
      status: 200,
      body: { mode: 'on' },
    });
    expect(telemetryLines()).toEqual([]);
  });

  it.each([[{ mode: 'loud' }], [{ mode: true }], [{ enabled: 'yes' }], [{}], [[]]])(
    'refuses %j with 400, writing nothing',
    async (body) => {
      serve();
      const before = readFileSync(envFile, 'utf8');
      const answer = await call(settingsRoute.POST, 'POST', { body });
      expect(answer).toMatchObject({ status: 400, body: { error: { code: 'invalid_input', field: 'mode' } } });
      expect(readFileSync(envFile, 'utf8')).toBe(before);
    },
  );

  it.each([
    ['the machine policy (local)', 'policy', '{"maximum":"local"}', 'the machine policy'],
    ['the machine policy (off)', 'policy', '{"maximum":"off"}', 'the machine policy'],
    ['an unreadable machine policy', 'policy', 'not json', 'the machine policy'],
    ['an operator’s DO_NOT_TRACK', 'DO_NOT_TRACK', '1', 'the DO_NOT_TRACK environment variable'],
    ['an operator’s DISABLE_TELEMETRY', 'DISABLE_TELEMETRY', 'true', 'the DISABLE_TELEMETRY environment variable'],
  ])('is locked by %s: 409 naming it, nothing written, the panel names it too', async (_what, kind, value, named) => {
    let env: Record<string, string>;
    if (kind === 'policy') {
      const policyFile = join(home.path, `policy-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(policyFile, value);
      env = { ELMO_TELEMETRY_POLICY: policyFile };
      named = `${named} ${policyFile}`;
    } else {
      env = { [kind]: value };
    }
    serve(env);
    const before = readFileSync(envFile, 'utf8');
    for (const mode of ['on', 'local', 'off']) {
      const answer = await call(settingsRoute.POST, 'POST', { body: { mode } });
      expect(answer.status).toBe(409);
      expect(answer.body.error).toMatchObject({ code: 'conflict', message: expect.stringContaining(named) });
      expect(readFileSync(envFile, 'utf8')).toBe(before);
    }
    const panel = await call(settingsRoute.GET, 'GET');
    expect(panel.body.lockedByText).toContain(named);
    // The page shows the control locked, every mode disabled, and names what locks it.
    const html = renderToStaticMarkup(createElement(TelemetryPanel, { state: panel.body }));
    expect(html).toMatch(/role="radiogroup"[^>]*aria-describedby="telemetry-locked" aria-disabled="true"/);
    expect(html.match(/<input type="radio" disabled="" name="telemetry-mode"/g)).toHaveLength(3);
    expect(html).toContain(`Locked by ${named}`);
  });
});

describe('POST /api/settings/telemetry/forget', () => {
  it('sends one deletion request for the old id, turns telemetry off and writes a new id', async () => {
    serve();
    const answer = await call(forgetRoute.POST, 'POST', { body: { confirm: true } });
    expect(answer.status).toBe(200);
    const text = readFileSync(envFile, 'utf8');
    const newId = /^DEPLOYMENT_ID=(.+)$/m.exec(text)?.[1];
    expect(newId).toMatch(/^[0-9a-f-]{36}$/);
    expect(newId).not.toBe(deploymentId);
    expect(telemetryLines()).toEqual(['DISABLE_TELEMETRY=1']);
    expect(text).toContain('# test deployment');
    expect(answer.body.forgotten).toEqual({
      previousId: `${deploymentId.slice(0, 8)}…`,
      newId: `${newId?.slice(0, 8)}…`,
      requestSent: true,
    });
    expect(answer.body.panel).toMatchObject({ mode: 'off', maskedDeploymentId: `${newId?.slice(0, 8)}…` });
    const [request] = await sink.waitForEvents((e) => e.event === 'deletion_request', { timeoutMs: 5000 });
    expect(request?.distinctId).toBe(deploymentId);
    // Nothing else, ever again, under the old id.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.events.filter((e) => e.distinctId === deploymentId).map((e) => e.event)).toEqual(['deletion_request']);
  });

  it.each([[{}], [{ confirm: 'yes' }]])(
    'needs { "confirm": true }: %j → 400, nothing written or sent',
    async (body) => {
      serve();
      const before = readFileSync(envFile, 'utf8');
      const requests = sink.requests.length;
      const answer = await call(forgetRoute.POST, 'POST', { body });
      expect(answer).toMatchObject({ status: 400, body: { error: { field: 'confirm' } } });
      expect(readFileSync(envFile, 'utf8')).toBe(before);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(sink.requests.slice(requests)).toEqual([]);
    },
  );
});

describe('GET /api/settings/telemetry/log', () => {
  it('streams the rotated log, then the current one, as a JSONL attachment', async () => {
    serve();
    const logFile = join(dir, 'data', 'telemetry-events.jsonl');
    mkdirSync(join(dir, 'data'), { recursive: true });
    const older = `${JSON.stringify({ time: '2025-12-01T00:00:00.000Z', uuid: 'a', event: 'heartbeat', status: 'sent' })}\n`;
    const newer = `${JSON.stringify({ time: '2025-12-02T00:00:00.000Z', uuid: 'b', event: 'heartbeat', status: 'local' })}\n`;
    writeFileSync(`${logFile}.1`, older);
    writeFileSync(logFile, newer);
    const response = await (logRoute.GET as (r: Request, c: unknown) => Promise<Response>)(routeRequest('GET'), {
      params: Promise.resolve({}),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="elmo-telemetry-events.jsonl"');
    expect(await response.text()).toBe(older + newer);
  });

  it('answers an empty file when nothing was logged yet, and 403 to a host this server does not answer to', async () => {
    serve();
    const handler = logRoute.GET as (r: Request, c: unknown) => Promise<Response>;
    const empty = await handler(routeRequest('GET'), { params: Promise.resolve({}) });
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
    const rebound = await handler(
      routeRequest('GET', { url: 'http://attacker.example:1515/api/x', headers: { host: 'attacker.example:1515' } }),
      { params: Promise.resolve({}) },
    );
    expect(rebound.status).toBe(403);
  });
});
