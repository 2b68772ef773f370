import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { API_ROUTES, PAGE_ROUTES } from '@elmo/elmo-telemetry';
import { type Sink, startSink } from '@elmo/posthog-sink';
import { readLocalLog } from '@elmo/telemetry-core/node';
import {
  createTempDir,
  createToken,
  TEST_DEPLOYMENT_ID as DEPLOYMENT_ID,
  type ManagedProcess,
  startWeb,
  startWorker,
  TELEMETRY_KNOBS,
  type WebServer,
  webDir,
  writeDeploymentEnv,
} from '@elmo/test-support';
import { launchChromium } from '@elmo/test-support/browser';
import { type PostgresServer, startPostgres } from '@elmo/test-support/postgres';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A person's whole session in Chromium against the built web app and worker: once on the embedded PGlite,
// once on PostgreSQL with two workers. Telemetry is on and goes to a loopback sink; at the end the sink must
// hold exactly the session's counts, route templates only, and none of what the person typed. TELEMETRY_KNOBS
// shorten the intervals for the test; the behaviour is the same (SPEC §5: 30 s flush, 10 min usage).

const screenshots = join(webDir, 'screenshots');

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const prompts = (page: Page) => page.locator('ol.prompt-list > li');

/** What the sink must hold after the session below, and what it must never hold. */
function expectSessionTelemetry(sink: Sink, realPaths: string[], logFile: string): void {
  const of = (name: string) => sink.events.filter((e) => e.event === name);
  expect(new Set(sink.events.map((e) => e.distinctId))).toEqual(new Set([DEPLOYMENT_ID]));
  // Every event that left is in the transparency log as sent, page views included, and nothing else is.
  const sent = readLocalLog(logFile, 100_000).filter((e) => e.status === 'sent');
  expect(new Set(sent.map((e) => e.uuid))).toEqual(new Set(sink.events.map((e) => e.uuid)));
  expect(sent.some((e) => e.event === 'page_views')).toBe(true);

  // Exactly the session's counts, summed over however many periods they were sent in.
  const counts: Record<string, number> = {};
  for (const event of of('feature_usage')) {
    for (const [key, value] of Object.entries(event.properties)) {
      if (
        key.endsWith('_created') ||
        key.endsWith('_renamed') ||
        key.endsWith('_edited') ||
        key.endsWith('_deleted') ||
        key.startsWith('reports_')
      ) {
        counts[key] = (counts[key] ?? 0) + (value as number);
      }
    }
  }
  expect(counts).toEqual({
    brands_created: 2,
    brands_renamed: 1,
    brands_deleted: 1,
    prompts_created: 4,
    prompts_edited: 1,
    prompts_deleted: 1,
    reports_requested: 1,
    reports_completed: 1,
  });
  for (const usage of of('feature_usage')) {
    expect(usage.properties).toMatchObject({ brands_total: expect.any(Number), prompts_total: expect.any(Number) });
  }

  // Requests by template only.
  const requestRows = of('api_requests').flatMap((e) => e.properties.rows as { route: string }[]);
  const routes = new Set(requestRows.map((row) => row.route));
  for (const route of routes) expect(API_ROUTES).toContain(route);
  for (const route of ['/api/brands', '/api/brands/[id]/prompts', '/api/prompts/[id]', '/api/reports']) {
    expect(routes).toContain(route);
  }

  // Page views by template only: counted by the server, none forwarded, each page of the session in the rows.
  expect(of('$pageview')).toEqual([]);
  const pageRows = of('page_views').flatMap((e) => e.properties.rows as { page: string; views: number }[]);
  expect([...new Set(pageRows.map((row) => row.page))].sort()).toEqual([...PAGE_ROUTES].sort());
  for (const row of pageRows) expect(row.views).toBeGreaterThan(0);
  // The rows, the common properties the server adds, and posthog-node's transport fields; nothing posthog-js
  // collected in the page.
  const allowed = [
    'rows',
    'event_version',
    'session_id',
    'source',
    'product_version',
    'os',
    'arch',
    'node_version',
    'deployment_mode',
    '$lib',
    '$lib_version',
    '$is_server',
  ];
  const flags = ['$process_person_profile', '$geoip_disable'];
  for (const views of of('page_views')) {
    for (const key of Object.keys(views.properties)) expect([...allowed, ...flags]).toContain(key);
    expect(views.properties.source).toBe('web');
    for (const row of views.properties.rows as object[]) expect(Object.keys(row).sort()).toEqual(['page', 'views']);
  }

  expect(of('install_complete')).toHaveLength(1);
  expect(of('deployment_started').map((e) => e.properties.component)).toContain('web');
  expect(of('deployment_started').map((e) => e.properties.component)).toContain('worker');

  // Nothing the person typed, no real path, id or folder, in any byte the sink received.
  const bytes = sink.rawBytes().toString('utf8');
  const typed = ['Acme', 'espresso', 'fair trade', 'Short-lived', 'Soon gone', 'beans', 'Roasters'];
  for (const secret of [...typed, ...realPaths.map((u) => new URL(u, 'http://x').pathname)])
    expect(bytes).not.toContain(secret);
  expect(bytes).not.toMatch(/\/brands\/[0-9a-f]{8}-/);
  expect(bytes).not.toMatch(/\/reports\/[0-9a-f]{8}-/);
}

async function addPrompt(page: Page, text: string): Promise<void> {
  const before = await prompts(page).count();
  await page.getByLabel('New prompt').fill(text);
  await page.getByRole('button', { name: 'Add prompt' }).click();
  await until(async () => (await prompts(page).count()) === before + 1, `prompt "${text}" to appear`);
}

describe.each(['pglite', 'postgres'] as const)('a whole session on %s', (mode) => {
  const home = createTempDir('elmo-e2e-home-');
  const token = createToken();
  let postgres: PostgresServer | undefined;
  let web: WebServer;
  const workers: ManagedProcess[] = [];
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let sink: Sink;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    sink = await startSink();
    writeDeploymentEnv(home.path, sink.url);
    const env = { ...TELEMETRY_KNOBS, DO_NOT_TRACK: undefined, DISABLE_TELEMETRY: undefined };
    if (mode === 'postgres') postgres = await startPostgres();
    // A person's first start: the web app creates its embedded database itself (other tests start from a copy).
    web = await startWeb({ home: home.path, token, databaseUrl: postgres?.url, env, freshDatabase: true });
    const workerCount = mode === 'postgres' ? 2 : 1;
    for (let i = 0; i < workerCount; i++) {
      workers.push(startWorker({ webUrl: web.url, token, env: { ...env, ELMO_HOME: home.path } }));
    }
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`${message.text()} (${message.location().url})`);
    });
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    for (const worker of workers) await worker.stop();
    await web?.stop();
    await postgres?.stop();
    await sink?.close();
    home.remove();
  });

  it('creates a brand and prompts, edits and deletes, runs a report and reads its numbers', async () => {
    const shot = (name: string) =>
      page.screenshot({
        path: join(screenshots, mode === 'pglite' ? `${name}.png` : `${name}-${mode}.png`),
        fullPage: true,
      });

    await page.goto(web.url);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await page.getByText('No brands yet').isVisible()).toBe(true);

    // The form explains what is wrong before anything is sent.
    await page.getByRole('button', { name: 'Add brand' }).click();
    await page.getByText('Brand name is required.').waitFor();
    await page.getByLabel('Brand name').fill('x'.repeat(81));
    await page.getByRole('button', { name: 'Add brand' }).click();
    await page.getByText('Brand name must be at most 80 characters (it has 81).').waitFor();

    await page.getByLabel('Brand name').fill('Acme Coffee');
    await page.getByRole('button', { name: 'Add brand' }).click();
    await page.waitForURL(/\/brands\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Acme Coffee' }).waitFor();
    const brandUrl = page.url();

    await page.getByRole('button', { name: 'Add prompt' }).click();
    await page.getByText('Prompt text is required.').waitFor();
    await addPrompt(page, 'What is the best coffee for espresso?');
    await addPrompt(page, 'Is Acme coffee fair trade?');
    await addPrompt(page, 'Where can I buy Acme beans?');

    // Edit the second prompt inline.
    await page.getByRole('button', { name: 'Edit prompt 2' }).click();
    await page.getByLabel('Edit prompt 2').fill('Is Acme coffee fair trade and organic?');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Is Acme coffee fair trade and organic?').waitFor();
    await until(async () => (await prompts(page).nth(1).textContent())?.includes('edited') ?? false, 'the edit time');

    // Delete the third, after confirming.
    await page.getByRole('button', { name: 'Delete prompt 3' }).click();
    await page.getByRole('button', { name: 'Yes, delete', exact: true }).click();
    await until(async () => (await prompts(page).count()) === 2, 'the prompt to be deleted');
    expect(await page.getByText('Where can I buy Acme beans?').count()).toBe(0);

    // Rename the brand.
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('Brand name').fill('Acme Coffee Roasters');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('heading', { name: 'Acme Coffee Roasters' }).waitFor();
    await shot('brand');

    // Run a report; the page follows the worker until the result is in.
    await page.getByRole('button', { name: 'Run report' }).click();
    await page.waitForURL(/\/reports\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Summary' }).waitFor({ timeout: 30_000 });
    const stats = await page
      .getByRole('region', { name: 'Summary' })
      .locator('.stat')
      .evaluateAll((nodes) =>
        nodes.map((n) => [n.querySelector('dt')?.textContent, n.querySelector('dd')?.textContent]),
      );
    expect(stats).toEqual([
      ['Prompts', '2'],
      ['Created in the last 7 days', '2'],
      ['Created in the last 30 days', '2'],
      ['Edited in the last 7 days', '1'],
      ['Edited in the last 30 days', '1'],
    ]);
    // The offline provider (the default) answered every prompt without a network call or a failure.
    const offline = page.getByRole('region', { name: 'Offline' });
    expect(await offline.locator('.stat dd').allTextContents()).toEqual(['2', expect.stringMatching(/^[0-2]$/), '0']);
    expect(await offline.getByText('2 calls, none failed.').isVisible()).toBe(true);
    const answers = await page
      .getByRole('table', { name: /mentions Acme Coffee Roasters/ })
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [tr.querySelector('th')?.textContent, tr.querySelector('td')?.textContent]),
      );
    expect(answers).toEqual([
      ['Is Acme coffee fair trade and organic?', expect.stringMatching(/^✓Mentioned, line \d+$|^–Not mentioned$/)],
      ['What is the best coffee for espresso?', expect.stringMatching(/^✓Mentioned, line \d+$|^–Not mentioned$/)],
    ]);
    const rows = await page
      .locator('table.inventory tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [tr.querySelector('td')?.textContent, tr.querySelector('td:last-child')?.textContent]),
      );
    // Most recently touched first: the edited prompt, then the older untouched one.
    expect(rows).toEqual([
      ['Is Acme coffee fair trade and organic?', expect.not.stringMatching(/Never/)],
      ['What is the best coffee for espresso?', 'Never'],
    ]);
    await shot('report');

    // The stored report was computed by one of our workers.
    const reportId = page.url().split('/').pop();
    const api = await (await fetch(`${web.url}/api/reports/${reportId}`)).json();
    expect(api.report).toMatchObject({
      status: 'done',
      attempts: 1,
      result: { brand: { name: 'Acme Coffee Roasters' } },
    });
    expect(
      workers.some((w) => api.report.claimedBy === `worker-${w.pid}-${api.report.claimedBy.split('-').pop()}`),
    ).toBe(true);

    // The dashboard shows the brand, its count and the finished report.
    await page.goto(web.url);
    await page.getByRole('link', { name: 'Acme Coffee Roasters' }).first().waitFor();
    expect(await page.getByTestId('totals').textContent()).toBe('1 brand · 2 prompts');
    const brandRow = page.locator('tbody tr', { hasText: 'Acme Coffee Roasters' });
    expect(await brandRow.locator('td').nth(1).textContent()).toBe('2');
    expect(await brandRow.locator('.badge').textContent()).toBe('Done');
    await shot('dashboard');

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Telemetry' }).waitFor();
    // This page load's posthog-js is lazy-loaded: a page left before it is ready reports no view (by design), and
    // this is the only visit to the settings page.
    await page.locator('html[data-analytics="on"]').waitFor();
    expect(await page.locator('#telemetry').count()).toBe(1);
    expect(await page.getByText(mode === 'pglite' ? 'Embedded PGlite' : 'PostgreSQL at').isVisible()).toBe(true);
    await shot('settings');

    // Create and delete a second brand.
    await page.goto(web.url);
    await page.getByLabel('Brand name').fill('Short-lived');
    await page.getByRole('button', { name: 'Add brand' }).click();
    await page.getByRole('heading', { name: 'Short-lived' }).waitFor();
    await addPrompt(page, 'Soon gone');
    await page.getByRole('button', { name: 'Delete brand' }).click();
    await page.getByRole('button', { name: 'Yes, delete brand' }).click();
    await page.waitForURL(`${web.url}/`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await until(async () => (await page.getByRole('link', { name: 'Short-lived' }).count()) === 0, 'the brand to go');
    expect(await page.getByTestId('totals').textContent()).toBe('1 brand · 2 prompts');

    expect(pageErrors).toEqual([]);

    // Unknown pages and ids are a clear "not found".
    const missing = await page.goto(`${brandUrl.slice(0, -4)}0000`);
    expect(missing?.status()).toBe(404);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();

    // Stopping sends the last counts and deployment_stopped from every component.
    for (const worker of workers) await worker.stop();
    await web.stop();
    await sink.waitForEvents((e) => e.event === 'deployment_stopped', { count: 1 + workers.length, timeoutMs: 10_000 });
    expectSessionTelemetry(
      sink,
      [brandUrl, `${web.url}/reports/${reportId}`, home.path],
      join(home.path, 'data', 'telemetry-events.jsonl'),
    );
  }, 180_000);
});
