import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/browser';
import { webDir } from './support/build';
import { type PostgresServer, startPostgres } from './support/postgres';
import { createToken, type ManagedProcess, startWeb, startWorker, type WebServer } from './support/processes';
import { createTempDir } from './support/temp-dir';

// A person's whole session in Chromium against the built web app and worker: once on the embedded PGlite,
// once on PostgreSQL with two workers.

const screenshots = join(webDir, 'screenshots');

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const prompts = (page: Page) => page.locator('ol.prompt-list > li');

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
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (mode === 'postgres') postgres = await startPostgres();
    web = await startWeb({ home: home.path, token, databaseUrl: postgres?.url });
    const workerCount = mode === 'postgres' ? 2 : 1;
    for (let i = 0; i < workerCount; i++) workers.push(startWorker({ webUrl: web.url, token }));
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
    const rows = await page
      .locator('table tbody tr')
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
  }, 180_000);
});
