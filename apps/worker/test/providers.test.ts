import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { type ClaimedJob, parseReportResult, type ReportResult } from '@elmo/app-shared';
import { type Sink, startSink } from '@elmo/posthog-sink';
import {
  createDeployment,
  type Env,
  type FakeProviderServer,
  failEvery,
  type LoopbackServer,
  listenOnLoopback,
  type ManagedProcess,
  startFakeProvider,
  startWorker,
  TELEMETRY_KNOBS,
  type TestDeployment,
  waitUntil,
} from '@elmo/test-support';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

// The built worker against loopback providers (SPEC §12): a report asks every configured provider every prompt,
// the calls are counted in `provider_usage`, and neither a key nor a base URL reaches the report, the worker's
// output, the sink or the local log. The web app is stood in for by a loopback server that hands out one job and
// records the outcome, so no `next build` is needed; the report is checked with the web app's own contract.

// Recognisable, so that a leak is found by a plain search.
const OPENAI_KEY = 'sk-worker-e2e-openai-7c1d5a';
const ANTHROPIC_KEY = 'sk-ant-worker-e2e-3b9f0e';
const PROMPTS = ['Is Acme any good?', 'Which anvils last longest?', 'acme or Globex?', 'Where to buy rockets?'];
const job: ClaimedJob = {
  id: 'job-1',
  attempts: 1,
  maxAttempts: 3,
  brand: { id: 'brand-1', name: 'Acme' },
  prompts: PROMPTS.map((text, index) => ({
    id: `p${index + 1}`,
    text,
    createdAt: new Date().toISOString(),
    editedAt: null,
  })),
};

/** A stand-in web app: hands out `job` once, then nothing; records what the worker reports. */
async function startStubWeb() {
  let handedOut = false;
  const completed: unknown[] = [];
  const failed: unknown[] = [];
  const body = (request: IncomingMessage) =>
    new Promise<unknown>((resolve) => {
      let text = '';
      request.on('data', (chunk) => {
        text += chunk;
      });
      request.on('end', () => resolve(text ? JSON.parse(text) : null));
    });
  const server: LoopbackServer = await listenOnLoopback(
    createServer(async (request, response) => {
      const received = (await body(request)) as { result?: unknown; errorCode?: string } | null;
      if (request.url === '/api/internal/jobs/claim') {
        if (handedOut) return void response.writeHead(204).end();
        handedOut = true;
        return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ job }));
      }
      if (request.url?.endsWith('/complete')) completed.push(received?.result);
      else if (request.url?.endsWith('/fail')) failed.push(received?.errorCode);
      else return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    }),
  );
  return { ...server, completed, failed };
}

let sink: Sink | undefined;
let provider: FakeProviderServer | undefined;
let web: Awaited<ReturnType<typeof startStubWeb>> | undefined;
let deployment: TestDeployment | undefined;
let worker: ManagedProcess | undefined;

beforeAll(async () => {
  const { ensureWorkerBuilt } = await import('@elmo/test-support');
  ensureWorkerBuilt();
}, 120_000);
afterEach(async () => {
  await worker?.stop('SIGTERM', 10_000);
  await web?.close();
  await provider?.close();
  await sink?.close();
  deployment?.remove();
  worker = web = provider = sink = deployment = undefined;
});

/** The provider settings as `elmo start` hands them to the worker from the deployment `.env`. */
function providerEnv(server: FakeProviderServer, providers: string): Env {
  return {
    ELMO_PROVIDERS: providers,
    OPENAI_API_KEY: OPENAI_KEY,
    OPENAI_BASE_URL: server.openaiBaseUrl,
    ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
  };
}

async function start(reply: Parameters<typeof startFakeProvider>[0], providers: string, extra: Env = {}) {
  sink = await startSink({ mode: 'healthy' });
  provider = await startFakeProvider(reply);
  web = await startStubWeb();
  const env = providerEnv(provider, providers);
  const envText = Object.entries(env)
    .map(([key, value]) => `${key}=${value}\n`)
    .join('');
  deployment = createDeployment({ sinkUrl: sink.url, envText, prefix: 'elmo-worker-providers-' });
  worker = startWorker({
    webUrl: web.url,
    token: deployment.token,
    inheritEnv: false,
    env: { ...TELEMETRY_KNOBS, ELMO_HOME: deployment.dir, ...env, ...extra },
  });
  return { sink, provider, web, deployment, worker };
}

const usage = (sink: Sink, name: string, key: string) =>
  sink.events
    .filter((e) => e.event === 'provider_usage' && e.properties.provider === name)
    .reduce((total, e) => total + Number(e.properties[key] ?? 0), 0);

describe('the worker asking model providers', () => {
  it('reports every provider’s answers, counts every call in provider_usage, and leaks no key or URL', async () => {
    const { sink, provider, web, deployment, worker } = await start(
      { reply: failEvery(3) },
      'offline,openai,anthropic',
    );
    await waitUntil(() => web.completed.length > 0 || web.failed.length > 0, 'the job to be reported', 30_000);
    expect(web.failed).toEqual([]);
    const report = parseReportResult(web.completed[0]) as ReportResult;
    expect(report, 'the report meets the contract the web app checks').not.toBeNull();
    expect(report.providers.map((p) => p.provider)).toEqual(['offline', 'openai', 'anthropic']);

    // Each HTTP provider's account matches what the fake server saw; a 500 is retried and then answered.
    for (const [name, api] of [
      ['openai', 'chat'],
      ['anthropic', 'messages'],
    ] as const) {
      const calls = provider.calls.filter((call) => call.api === api);
      const served500 = calls.filter((call) => call.status === 500).length;
      expect(served500).toBeGreaterThan(0);
      expect(report.providers.find((p) => p.provider === name)).toMatchObject({
        answered: PROMPTS.length,
        failed: 0,
        mentioned: 2,
        calls: calls.length,
        errors: { timeout: 0, rate_limited: 0, auth: 0, server: served500, other: 0 },
      });
      expect(calls.every((call) => call.key === (api === 'chat' ? OPENAI_KEY : ANTHROPIC_KEY))).toBe(true);
    }
    expect(report.providers[0]).toMatchObject({ provider: 'offline', calls: PROMPTS.length, failed: 0 });

    // provider_usage counts the same calls and errors (usage is sent every 500 ms under the test knobs).
    const served = (api: string, status?: number) =>
      provider.calls.filter((c) => c.api === api && (status === undefined || c.status === status)).length;
    await waitUntil(
      () =>
        usage(sink, 'openai', 'requests') === served('chat') &&
        usage(sink, 'anthropic', 'requests') === served('messages'),
      'provider_usage with every call',
      15_000,
    );
    expect(usage(sink, 'openai', 'errors_server')).toBe(served('chat', 500));
    expect(usage(sink, 'anthropic', 'errors_server')).toBe(served('messages', 500));
    expect(usage(sink, 'offline', 'requests')).toBe(PROMPTS.length);
    const started = sink.events.find((e) => e.event === 'deployment_started');
    expect(started?.properties).toMatchObject({
      component: 'worker',
      database_mode: 'embedded',
      deployment_mode: 'local',
    });
    // A list of enum values travels as a set (sorted).
    expect([...((started?.properties.providers as string[] | undefined) ?? [])].sort()).toEqual([
      'anthropic',
      'offline',
      'openai',
    ]);

    const exit = await worker.stop('SIGTERM', 10_000);
    expect(exit.code, worker.output()).toBe(0);
    expect(worker.output()).toContain('providers: offline, openai, anthropic');

    // Nothing anywhere names a key, the base URL or the fake server's address.
    const secrets = [OPENAI_KEY, ANTHROPIC_KEY, provider.openaiBaseUrl, new URL(provider.anthropicBaseUrl).host];
    const places = {
      report: JSON.stringify(web.completed),
      output: worker.output(),
      sink: sink.rawBytes().toString('utf8'),
      events: JSON.stringify(sink.events),
      log: existsSync(deployment.logFile) ? readFileSync(deployment.logFile, 'utf8') : '',
    };
    expect(places.log).toContain('provider_usage');
    for (const [place, text] of Object.entries(places)) {
      for (const secret of secrets) expect(text.includes(secret), `${place} contains a secret`).toBe(false);
    }
  }, 60_000);

  it('completes a report whose every call failed, logging only the provider and the class', async () => {
    const { web, provider, worker } = await start(
      { reply: () => ({ kind: 'status', status: 401 }) },
      'openai,anthropic',
      { ELMO_PROVIDER_RETRIES: '4' },
    );
    await waitUntil(() => web.completed.length > 0 || web.failed.length > 0, 'the job to be reported', 30_000);
    const report = parseReportResult(web.completed[0]) as ReportResult;
    for (const result of report.providers) {
      // 401 is never retried, whatever the retry setting.
      expect(result).toMatchObject({ answered: 0, failed: PROMPTS.length, calls: PROMPTS.length });
      expect(result.answers.every((a) => a.error?.kind === 'auth' && a.error.status === 401)).toBe(true);
    }
    expect(provider.calls).toHaveLength(2 * PROMPTS.length);
    await waitUntil(() => worker.output().includes('anthropic: 4 of 4'), 'the failure line', 5000);
    expect(worker.output()).toContain('openai: 4 of 4 prompts without an answer (failed calls: auth 4)');
    expect(worker.output()).not.toContain(OPENAI_KEY);
    expect(worker.output()).not.toContain(new URL(provider.anthropicBaseUrl).host);
  }, 60_000);

  it('a stop cuts a provider that never answers within the grace period, leaving the job for later', async () => {
    const { web, provider, worker } = await start({ reply: () => ({ kind: 'hang' }) }, 'openai_compatible');
    await waitUntil(() => provider.calls.length > 0, 'the provider to be asked', 15_000);
    const started = Date.now();
    const exit = await worker.stop('SIGTERM', 15_000);
    // The worker's stop grace (5 s), then the telemetry flush deadline (2 s).
    expect(Date.now() - started).toBeLessThan(8000);
    expect(exit.code, worker.output()).toBe(0);
    expect(worker.output()).toContain('job job-1 interrupted by the stop');
    expect(web.completed).toEqual([]);
    expect(web.failed).toEqual([]);
  }, 30_000);

  it('refuses to start without a configured provider’s key, naming the variable in one line', async () => {
    const { worker } = await start({}, 'anthropic', { ANTHROPIC_API_KEY: undefined });
    const exit = await worker.exited;
    expect(exit.code).toBe(1);
    expect(worker.output()).toBe('elmo-worker: ELMO_PROVIDERS names anthropic but ANTHROPIC_API_KEY is not set\n');
  }, 30_000);
});
