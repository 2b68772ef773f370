import { existsSync, readFileSync } from 'node:fs';
import {
  type FakeProviderServer,
  type ManagedProcess,
  type ProviderReply,
  startFakeProvider,
  waitUntil,
} from '@elmo/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCell } from './support/cell.js';
import { generateCorpus, type Secret } from './support/corpus.js';
import {
  createDeployment,
  startDeploymentWeb,
  startDeploymentWorker,
  stopMeasured,
  type TestDeployment,
} from './support/deployment.js';
import { findLeaks, wireText } from './support/leak-scan.js';
import { type SwitchableSink, startSwitchableSink } from './support/switchable-sink.js';
import { sleep } from './support/wire.js';

// The privacy corpus through a report against model providers (SPEC §12): the deployment's `.env` and both
// processes' environments name every provider with a key from the corpus and a base URL that points at a loopback
// provider under a path of its own, so that the URL is as recognisable as the key. The providers answer, fail
// (500, 429, 401) and are retried; brand and prompts are corpus values too. Everything that reached either sink,
// both processes' output and the deployment's local telemetry log are scanned, for the corpus and for the
// deployment's own keys, base URLs and provider address.

const corpus = generateCorpus();
const keys = corpus.filter((s) => s.category === 'provider-key');
const urls = corpus.filter((s) => s.category === 'provider-base-url');
const prompts = corpus.filter((s) => s.category === 'prompt-text').slice(0, 6);
const brand = corpus.find((s) => s.category === 'brand-name') as Secret;

/** Answers most calls, and every kind of failure now and then: each error path gets its chance to leak. */
const mixedReplies = (call: number): ProviderReply =>
  call % 11 === 0
    ? { kind: 'status', status: 401 }
    : call % 5 === 0
      ? { kind: 'status', status: 429, retryAfterSeconds: 0 }
      : call % 3 === 0
        ? { kind: 'status', status: 500 }
        : call % 13 === 0
          ? { kind: 'malformed' }
          : { kind: 'answer' };

async function json<T>(response: Promise<Response>): Promise<T> {
  const answer = await response;
  if (!answer.ok) throw new Error(`HTTP ${answer.status}: ${await answer.text()}`);
  return (await answer.json()) as T;
}

describe('privacy corpus through model providers', () => {
  let deployment: TestDeployment;
  let provider: FakeProviderServer;
  const sinks: { web?: SwitchableSink; worker?: SwitchableSink } = {};
  const processes: ManagedProcess[] = [];
  let scanned: Secret[] = [...corpus];
  let webUrl = '';

  beforeAll(async () => {
    provider = await startFakeProvider({ reply: mixedReplies });
    // Each base URL carries a distinctive path (a gateway's tenant), served by the same loopback provider.
    const openaiPath = `/tenant-${urls[0]?.fragments[0]}/v1`;
    const anthropicPath = `/tenant-${urls[1]?.fragments[0]}`;
    const providerEnv = {
      ELMO_PROVIDERS: 'openai,anthropic,openai_compatible,offline',
      OPENAI_API_KEY: keys[0]?.value ?? '',
      OPENAI_BASE_URL: `${provider.anthropicBaseUrl}${openaiPath}`,
      ANTHROPIC_API_KEY: keys[1]?.value ?? '',
      ANTHROPIC_BASE_URL: `${provider.anthropicBaseUrl}${anthropicPath}`,
      ELMO_PROVIDER_TIMEOUT_MS: '5000',
    };
    deployment = createDeployment({
      prefix: 'elmo-privacy-providers-',
      envText: Object.entries(providerEnv)
        .map(([key, value]) => `${key}=${value}\n`)
        .join(''),
    });
    scanned = [
      ...corpus,
      { id: -1, category: 'aws-secret-key', value: deployment.token, fragments: [] },
      { id: -2, category: 'provider-base-url', value: providerEnv.OPENAI_BASE_URL, fragments: [openaiPath] },
      { id: -3, category: 'provider-base-url', value: providerEnv.ANTHROPIC_BASE_URL, fragments: [anthropicPath] },
      // The provider's address itself (host:port), whatever path it is written with.
      { id: -4, category: 'provider-base-url', value: new URL(provider.anthropicBaseUrl).host, fragments: [] },
    ];
    sinks.web = await startSwitchableSink();
    sinks.worker = await startSwitchableSink();
    // As `elmo start` hands them over: the `.env` values in both processes' environments.
    const web = await startDeploymentWeb({ deployment, sinkUrl: sinks.web.url, env: providerEnv });
    processes.push(web);
    webUrl = web.url;
    processes.push(startDeploymentWorker({ deployment, sinkUrl: sinks.worker.url, webUrl: web.url, env: providerEnv }));
  });

  afterAll(async () => {
    for (const process of processes) await process.stop('SIGKILL');
    await sinks.web?.close();
    await sinks.worker?.close();
    await provider?.close();
    deployment?.remove();
  });

  it('provider keys and base URLs: a report against answering, failing and retried providers', async () => {
    await runCell(
      'privacy',
      'provider keys and base URLs (a report against four providers)',
      'worker',
      async (cell) => {
        const post = (path: string, body: unknown) =>
          json<Record<string, { id: string }>>(
            fetch(`${webUrl}${path}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
            }),
          );
        const created = await post('/api/brands', { name: brand.value });
        const brandId = created.brand?.id as string;
        for (const prompt of prompts) await post(`/api/brands/${brandId}/prompts`, { text: prompt.value });
        const reportId = (await post('/api/reports', { brandId })).report?.id as string;

        type Stored = { report: { status: string; result?: { providers: { provider: string; calls: number }[] } } };
        let stored: Stored | undefined;
        for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
          stored = await json<Stored>(fetch(`${webUrl}/api/reports/${reportId}`));
          if (stored.report.status === 'done' || stored.report.status === 'failed') break;
        }
        cell.check('the report completed with every provider', () => {
          expect(stored?.report.status).toBe('done');
          expect(stored?.report.result?.providers.map((p) => p.provider)).toEqual([
            'openai',
            'anthropic',
            'openai_compatible',
            'offline',
          ]);
        });
        cell.check('the providers were called with the configured keys, and failed in every way', () => {
          expect(provider.calls.some((c) => c.key === keys[0]?.value)).toBe(true);
          expect(provider.calls.some((c) => c.key === keys[1]?.value)).toBe(true);
          const statuses = new Set(provider.calls.map((c) => c.status));
          for (const status of [200, 401, 429, 500]) expect(statuses).toContain(status);
        });
        const httpCalls = (stored?.report.result?.providers ?? [])
          .filter((p) => p.provider !== 'offline')
          .reduce((n, p) => n + p.calls, 0);
        cell.check('the report counts every call the providers received', () => {
          expect(httpCalls).toBe(provider.calls.length);
        });
        const workerSink = sinks.worker as SwitchableSink;
        const usageRequests = () =>
          workerSink
            .events()
            .filter((e) => e.event === 'provider_usage' && e.properties.provider !== 'offline')
            .reduce((n, e) => n + Number(e.properties.requests ?? 0), 0);
        await cell.checkAsync('provider_usage reached the sink with every call', () =>
          waitUntil(() => usageRequests() === provider.calls.length, 'provider_usage for every call', 15_000),
        );

        const stops = await Promise.all(processes.map((p) => stopMeasured(p)));
        cell.check('web and worker exit 0', () => expect(stops.map((s) => s.code)).toEqual([0, 0]));
        const all = [sinks.web, sinks.worker] as SwitchableSink[];
        const onWire = all.flatMap((s) => findLeaks(scanned, wireText(s.rawBytes(), s.requests())));
        // The logs are scanned for what must never be written anywhere: keys, base URLs, the provider's address.
        // (Brand and prompt texts are the user's own data, which the report and its logs may show.)
        const secretsOnly = scanned.filter((s) => s.category === 'provider-key' || s.category === 'provider-base-url');
        const logs = processes.map((p) => p.output()).join('\n');
        const localLog = existsSync(deployment.logFile) ? readFileSync(deployment.logFile, 'utf8') : '';
        const inLogs = findLeaks(secretsOnly, `${logs}\n${localLog}`);
        const inReport = findLeaks(secretsOnly, JSON.stringify(stored));
        cell.check('the scan finds the configured keys and base URLs when they are there (control)', () => {
          const planted = secretsOnly.filter((s) => s.id < 0 || s.id === keys[0]?.id || s.id === keys[1]?.id);
          expect(findLeaks(planted, planted.map((s) => `x${s.value}x`).join('\n'))).toHaveLength(planted.length);
          expect(planted).toHaveLength(5);
        });
        cell.metric('secrets', scanned.length);
        cell.metric('requests', provider.calls.length);
        cell.metric(
          'events scanned',
          all.reduce((n, s) => n + s.events().length, 0),
        );
        cell.metric('leaks', onWire.length + inLogs.length + inReport.length);
        cell.check('no secret reached either sink', () => expect(onWire).toEqual([]));
        cell.check('no key or base URL in the output or the local telemetry log', () => expect(inLogs).toEqual([]));
        cell.check('no key or base URL in the stored report', () => expect(inReport).toEqual([]));
      },
    );
  }, 180_000);
});
