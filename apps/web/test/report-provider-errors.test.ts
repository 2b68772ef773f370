import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportResult } from '@elmo/app-shared';
import { type Sink, startSink } from '@elmo/posthog-sink';
import {
  createTempDir,
  createToken,
  type FakeProviderServer,
  failEvery,
  type ManagedProcess,
  startFakeProvider,
  startWeb,
  startWorker,
  TELEMETRY_KNOBS,
  type WebServer,
  waitUntil,
  webDir,
  writeDeploymentEnv,
} from '@elmo/test-support';
import { launchChromium } from '@elmo/test-support/browser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// SPEC §12 in Chromium against the built web app and worker: the only provider is an OpenAI-compatible server on
// loopback that answers 500 to every third call, then to every attempt at one prompt. The report page must say,
// in words, which calls failed, how, and which prompts were left without an answer, never showing the key or the
// base URL; the worker's provider_usage must count the same calls and server errors.

const screenshots = join(webDir, 'screenshots');
// Recognisable, so that a leak into the page or the sink is found by a plain search.
const API_KEY = 'sk-elmo-test-key-4f1c9e';
const BRAND = 'Acme Coffee';
const PROMPTS = [
  'Which coffee roasters are best?',
  'Is Acme Coffee fair trade?',
  'Where can I buy good espresso beans?',
  'What do people say about Acme Coffee?',
  'Which coffee brands ship abroad?',
];

/** A JSON request to the app's own API, as its pages send them. */
async function post<T>(web: WebServer, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${web.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

const usage = (sink: Sink, key: string) =>
  sink.events
    .filter((e) => e.event === 'provider_usage' && e.properties.provider === 'openai_compatible')
    .reduce((total, e) => total + Number(e.properties[key] ?? 0), 0);

/** Runs a report from the brand page, as a person does, and waits for the worker's result. */
async function runReport(page: Page, web: WebServer, brandId: string): Promise<ReportResult> {
  await page.goto(`${web.url}/brands/${brandId}`);
  await page.getByRole('button', { name: 'Run report' }).click();
  await page.waitForURL(/\/reports\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name: 'Providers' }).waitFor({ timeout: 60_000 });
  const api = await (await fetch(`${web.url}/api/reports/${page.url().split('/').pop()}`)).json();
  expect(api.report.status).toBe('done');
  return api.report.result;
}

/** The answers table's rows as shown: each prompt with its outcome, mark and words. */
async function shownAnswers(page: Page): Promise<string[][]> {
  const table = page.getByRole('table', { name: `Whether each provider's answer to a prompt mentions ${BRAND}` });
  expect(await table.getByRole('columnheader').allTextContents()).toEqual(['Prompt', 'OpenAI-compatible']);
  return table
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [tr.querySelector('th')?.textContent ?? '', tr.querySelector('td')?.textContent ?? '']),
    );
}

/** What the table must show for the stored result. */
function expectedAnswers(result: ReportResult): string[][] {
  const byId = new Map(result.providers[0]?.answers.map((a) => [a.promptId, a]));
  return result.prompts.map((prompt) => {
    const answer = byId.get(prompt.id);
    const outcome = answer?.error
      ? `✕Failed: server error (HTTP ${answer.error.status})`
      : answer?.mentioned
        ? `✓Mentioned, line ${answer.position}`
        : '–Not mentioned';
    return [prompt.text, outcome];
  });
}

/** Neither the key nor where the provider lives is on the page or in anything telemetry sent. */
async function expectNoKeyOrUrl(page: Page, sink: Sink, provider: FakeProviderServer): Promise<void> {
  const where = new URL(provider.openaiBaseUrl).host;
  const html = await page.content();
  const bytes = sink.rawBytes().toString('utf8');
  for (const text of [html, bytes]) {
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(where);
  }
}

/** provider_usage, summed over the periods sent so far, counts every call and every 500 the fake server made. */
async function expectUsageMatches(sink: Sink, provider: FakeProviderServer): Promise<void> {
  const served500 = provider.calls.filter((call) => call.status === 500).length;
  await waitUntil(
    () => usage(sink, 'requests') >= provider.calls.length && usage(sink, 'errors_server') >= served500,
    'provider_usage with every call',
    15_000,
  );
  expect(usage(sink, 'requests')).toBe(provider.calls.length);
  expect(usage(sink, 'errors_server')).toBe(served500);
  for (const key of ['errors_timeout', 'errors_rate_limited', 'errors_auth', 'errors_other']) {
    expect(usage(sink, key)).toBe(0);
  }
}

describe('reports against an OpenAI-compatible provider that fails', () => {
  const home = createTempDir('elmo-provider-errors-');
  const token = createToken();
  let sink: Sink;
  let provider: FakeProviderServer;
  let web: WebServer;
  let worker: ManagedProcess;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let brandId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    sink = await startSink();
    provider = await startFakeProvider({ reply: failEvery(3) });
    // What `elmo init` writes for this provider, and what `elmo start` hands both processes from the `.env`.
    const providerEnv = {
      ELMO_PROVIDERS: 'openai_compatible',
      OPENAI_BASE_URL: provider.openaiBaseUrl,
      OPENAI_API_KEY: API_KEY,
    };
    writeDeploymentEnv(
      home.path,
      sink.url,
      Object.entries(providerEnv)
        .map(([key, value]) => `${key}=${value}\n`)
        .join(''),
    );
    const env = { ...TELEMETRY_KNOBS, ...providerEnv, DO_NOT_TRACK: undefined, DISABLE_TELEMETRY: undefined };
    web = await startWeb({ home: home.path, token, env });
    // The counts below follow from the number of attempts per prompt: pinned at the default, three.
    worker = startWorker({ webUrl: web.url, token, env: { ...env, ELMO_HOME: home.path, ELMO_PROVIDER_RETRIES: '2' } });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`${message.text()} (${message.location().url})`);
    });
    mkdirSync(screenshots, { recursive: true });

    brandId = (await post<{ brand: { id: string } }>(web, '/api/brands', { name: BRAND })).brand.id;
    for (const text of PROMPTS) await post(web, `/api/brands/${brandId}/prompts`, { text });
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await web?.stop();
    await provider?.close();
    await sink?.close();
    home.remove();
  });

  it('shows retried server errors in words when one call in three answers 500', async () => {
    const result = await runReport(page, web, brandId);

    // The worker's account matches what the fake server saw: every call, every 500, each retried once.
    const served500 = provider.calls.filter((call) => call.status === 500).length;
    expect(served500).toBeGreaterThan(0);
    expect(result.providers).toHaveLength(1);
    const report = result.providers[0];
    expect(report).toMatchObject({
      provider: 'openai_compatible',
      answered: PROMPTS.length,
      failed: 0,
      calls: provider.calls.length,
      errors: { timeout: 0, rate_limited: 0, auth: 0, server: served500, other: 0 },
    });
    // The fake answer repeats the prompt on line 2: the prompts naming the brand are found there.
    for (const prompt of result.prompts) {
      const answer = report?.answers.find((a) => a.promptId === prompt.id);
      expect(answer).toMatchObject(
        prompt.text.includes(BRAND) ? { mentioned: true, position: 2 } : { mentioned: false, position: null },
      );
    }

    // The page says it in words: the provider's name, its counts, the failed calls and their class.
    const section = page.getByRole('region', { name: 'OpenAI-compatible' });
    expect(await section.locator('.stat dd').allTextContents()).toEqual([String(PROMPTS.length), '2', '0']);
    expect(await section.getByText(`${provider.calls.length} calls, ${served500} failed.`).isVisible()).toBe(true);
    // A retried call's status is counted, not kept: the class's range is what the page can say.
    expect(await section.locator('.provider-errors li').allTextContents()).toEqual([
      `${served500} server errors (HTTP 5xx), retried`,
    ]);
    expect(await shownAnswers(page)).toEqual(expectedAnswers(result));

    await expectNoKeyOrUrl(page, sink, provider);
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'report-provider-errors.png'), fullPage: true });
    await expectUsageMatches(sink, provider);
  }, 120_000);

  it('names the class and status of a prompt left without an answer once the retries are spent', async () => {
    // The provider now fails every attempt at one prompt and answers the others.
    const lost = 'Where can I buy good espresso beans?';
    provider.setReply((call) =>
      provider.calls[call - 1]?.prompt.includes(lost) ? { kind: 'status', status: 500 } : { kind: 'answer' },
    );
    const before = provider.calls.length;
    const result = await runReport(page, web, brandId);

    expect(result.providers[0]).toMatchObject({
      answered: PROMPTS.length - 1,
      mentioned: 2,
      failed: 1,
      calls: PROMPTS.length + 2,
      errors: { timeout: 0, rate_limited: 0, auth: 0, server: 3, other: 0 },
    });
    expect(provider.calls.length - before).toBe(PROMPTS.length + 2);

    const section = page.getByRole('region', { name: 'OpenAI-compatible' });
    expect(await section.locator('.stat dd').allTextContents()).toEqual([String(PROMPTS.length - 1), '2', '1']);
    expect(await section.getByText(`${PROMPTS.length + 2} calls, 3 failed.`).isVisible()).toBe(true);
    expect(await section.locator('.provider-errors li').allTextContents()).toEqual([
      '3 server errors (HTTP 500): 2 retried, 1 prompt left without an answer',
    ]);
    const rows = await shownAnswers(page);
    expect(rows).toEqual(expectedAnswers(result));
    expect(rows).toContainEqual([lost, '✕Failed: server error (HTTP 500)']);

    await expectNoKeyOrUrl(page, sink, provider);
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'report-provider-unanswered.png'), fullPage: true });
    await expectUsageMatches(sink, provider);
  }, 120_000);
});
