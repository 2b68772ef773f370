import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Sink, startSink } from '@elmo/posthog-sink';
import {
  createToken,
  type ManagedProcess,
  startWeb,
  startWorker,
  TELEMETRY_KNOBS,
  TEST_DEPLOYMENT_ID,
  type WebServer,
  writeDeploymentEnv,
} from '@elmo/test-support';
import { launchChromium } from '@elmo/test-support/browser';
import { useTempDir } from '@elmo/test-support/vitest';
import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseTelemetryMode, shownMode } from './settings-mode';
import { elmoTelemetryStatus } from './support/telemetry';

// Consent in a running deployment (SPEC §3): the settings mode control, live withdrawal, an operator's kill switch,
// install/update detection, shutdown against a dead endpoint, and the /ingest route as the server runs it.

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const home = useTempDir('elmo-consent-');
let sink: Sink;
const running: ManagedProcess[] = [];
const closers: (() => Promise<void>)[] = [];
beforeEach(async () => {
  sink = await startSink();
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const process of running.splice(0)) await process.stop('SIGKILL');
  await sink.close();
});

async function deployment(env: Record<string, string | undefined> = {}) {
  const token = createToken();
  const web = await startWeb({ home: home.path, token, env: { ...TELEMETRY_KNOBS, ...env } });
  running.push(web);
  const worker = startWorker({ webUrl: web.url, token, env: { ...TELEMETRY_KNOBS, ELMO_HOME: home.path, ...env } });
  running.push(worker);
  return { web, worker, token };
}

async function browse(): Promise<{ page: Page; ingestRequests: string[] }> {
  const browser = await launchChromium();
  closers.push(() => browser.close());
  const page = await browser.context.newPage();
  const ingestRequests: string[] = [];
  browser.context.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/ingest')) ingestRequests.push(request.url());
  });
  return { page, ingestRequests };
}

/** Whether posthog-js was loaded and started on the current page (the page marks it on <html>). */
async function analyticsOn(page: Page): Promise<boolean> {
  await pause(500);
  return (await page.evaluate(() => document.documentElement.dataset.analytics)) === 'on';
}

/** A little of everything a person does: a brand with a prompt, and a few pages. */
async function activity(page: Page, web: WebServer, name: string): Promise<void> {
  await page.goto(web.url);
  await page.getByLabel('Brand name').fill(name);
  await page.getByRole('button', { name: 'Add brand' }).click();
  await page.getByRole('heading', { name }).waitFor();
  await page.getByLabel('New prompt').fill(`A prompt about ${name}`);
  await page.getByRole('button', { name: 'Add prompt' }).click();
  await page.getByText(`A prompt about ${name}`).waitFor();
  await page.goto(`${web.url}/settings`);
  await page.getByRole('heading', { name: 'Telemetry' }).waitFor();
}

describe('consent in a running deployment', () => {
  it('the mode control stops web, worker and browser within 5 s, resumes them, and agrees with elmo telemetry status', async () => {
    const envFile = writeDeploymentEnv(home.path, sink.url);
    const { web, token } = await deployment();
    const { page, ingestRequests } = await browse();
    await activity(page, web, 'Before');
    // Page views are counted per template and sent with the hourly usage send (every 3 s with the test knobs).
    await sink.waitForEvents((e) => e.event === 'page_views', { timeoutMs: 10_000 });
    await sink.waitForEvents((e) => e.event === 'feature_usage', { timeoutMs: 10_000 });
    expect(await analyticsOn(page)).toBe(true);
    const cliHome = join(home.path, 'cli-home');
    expect(await elmoTelemetryStatus(home.path, cliHome)).toMatchObject({ enabled: true });

    expect(await shownMode(page)).toBe('on');
    await chooseTelemetryMode(page, 'off');
    expect(readFileSync(envFile, 'utf8')).toMatch(/^DISABLE_TELEMETRY=1$/m);
    expect(readFileSync(envFile, 'utf8')).toContain('# test deployment');
    expect(await elmoTelemetryStatus(home.path, cliHome)).toMatchObject({ enabled: false, source: 'deployment-env' });
    expect(await page.getByTestId('telemetry-decision').textContent()).toMatch(
      /^Off: disabled by DISABLE_TELEMETRY in /,
    );

    // From 5 s after the choice, nothing more arrives from any component.
    await pause(5000);
    const before = sink.requests.length;
    ingestRequests.length = 0;
    await activity(page, web, 'During');
    const stoppedWorker = running.find((p) => p !== web) as ManagedProcess;
    await stoppedWorker.stop('SIGTERM');
    await fetch(`${web.url}/api/brands`);
    await pause(2000);
    expect(sink.requests.slice(before)).toEqual([]);
    expect(ingestRequests).toEqual([]);
    expect(await analyticsOn(page)).toBe(false);

    // On again: every component sends again.
    await chooseTelemetryMode(page, 'on');
    expect(readFileSync(envFile, 'utf8')).not.toMatch(/DISABLE_TELEMETRY/);
    expect(await elmoTelemetryStatus(home.path, cliHome)).toMatchObject({ enabled: true });
    const resumedFrom = sink.events.length;
    running.push(startWorker({ webUrl: web.url, token, env: { ...TELEMETRY_KNOBS, ELMO_HOME: home.path } }));
    await activity(page, web, 'After');
    for (const event of ['page_views', 'feature_usage', 'deployment_started']) {
      await sink.waitForEvents((e) => e.event === event && sink.events.indexOf(e) >= resumedFrom, {
        timeoutMs: 15_000,
      });
    }
    expect(await analyticsOn(page)).toBe(true);
  }, 120_000);

  it('an operator’s DO_NOT_TRACK locks the mode control, the server refuses a write, and a session sends nothing', async () => {
    const envFile = writeDeploymentEnv(home.path, sink.url);
    const { web } = await deployment({ DO_NOT_TRACK: '1' });
    const { page, ingestRequests } = await browse();
    await activity(page, web, 'Locked');
    const modes = page.getByRole('radiogroup', { name: /telemetry/i });
    for (const name of ['On', 'Local only', 'Off'])
      expect(await modes.getByRole('radio', { name, exact: true }).isDisabled()).toBe(true);
    expect(await shownMode(page)).toBe('off');
    expect(await page.locator('#telemetry-locked').textContent()).toContain('DO_NOT_TRACK');

    const refused = await fetch(`${web.url}/api/settings/telemetry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.message).toContain('DO_NOT_TRACK');
    expect(readFileSync(envFile, 'utf8')).not.toMatch(/DISABLE_TELEMETRY/);

    await pause(1500);
    expect(sink.requests).toEqual([]);
    expect(ingestRequests).toEqual([]);
    expect(await analyticsOn(page)).toBe(false);
  }, 90_000);

  it('reports install on the first start, nothing on the second, and an update with the old version', async () => {
    writeDeploymentEnv(home.path, sink.url);
    const start = async (version?: string) => {
      const web = await startWeb({ home: home.path, env: { ...TELEMETRY_KNOBS, ELMO_VERSION: version } });
      running.push(web);
      await web.stop('SIGTERM');
    };
    await start();
    expect(sink.events.filter((e) => e.event.endsWith('_complete')).map((e) => e.event)).toEqual(['install_complete']);
    await start();
    expect(sink.events.filter((e) => e.event.endsWith('_complete')).map((e) => e.event)).toEqual(['install_complete']);
    const marker = join(home.path, 'data', 'elmo-version');
    const installed = readFileSync(marker, 'utf8').trim();
    await start('9.9.9');
    const lifecycle = sink.events.filter((e) => e.event.endsWith('_complete'));
    expect(lifecycle.map((e) => [e.event, e.properties.old_version])).toEqual([
      ['install_complete', undefined],
      ['update_complete', installed],
    ]);
    expect(readFileSync(marker, 'utf8').trim()).toBe('9.9.9');
  }, 90_000);

  it('web and worker send deployment_stopped on SIGTERM, and exit within 3 s when the endpoint never answers', async () => {
    writeDeploymentEnv(home.path, sink.url);
    const healthy = await deployment();
    await sink.waitForEvents((e) => e.event === 'deployment_started', { count: 2, timeoutMs: 15_000 });
    await healthy.worker.stop('SIGTERM');
    await healthy.web.stop('SIGTERM');
    const stopped = await sink.waitForEvents((e) => e.event === 'deployment_stopped', { count: 2, timeoutMs: 5000 });
    expect(stopped.map((e) => e.properties.component).sort()).toEqual(['web', 'worker']);

    const hanging = await deployment();
    // Both announce their start only after installing their SIGTERM handlers: a fixed pause raced with that on a
    // loaded machine (the signal then ended the process itself, exit code null).
    await sink.waitForEvents((e) => e.event === 'deployment_started', { count: 4, timeoutMs: 15_000 });
    sink.setMode('hang');
    await fetch(`${hanging.web.url}/api/brands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Pending' }),
    });
    for (const component of [hanging.worker, hanging.web]) {
      const started = Date.now();
      const exit = await component.stop('SIGTERM', 10_000);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(exit.code).toBe(0);
    }
  }, 90_000);

  it('/ingest takes capture bodies only, within the size limit, counts page views by template and forwards nothing of the request', async () => {
    writeDeploymentEnv(home.path, sink.url);
    const { web } = await deployment();
    await sink.waitForEvents((e) => e.event === 'deployment_started', { count: 2, timeoutMs: 15_000 });
    const body = JSON.stringify([
      { event: '$pageview', properties: { token: 'phc_test', distinct_id: TEST_DEPLOYMENT_ID, $pathname: '/' } },
    ]);
    const headers = {
      'content-type': 'text/plain',
      cookie: 'session=alice-cookie',
      'x-forwarded-for': '198.51.100.23',
      'x-real-ip': '198.51.100.23',
    };
    const accepted = await fetch(`${web.url}/ingest/e/?compression=none`, { method: 'POST', body, headers });
    expect(accepted.status).toBe(200);
    const [pageViews] = await sink.waitForEvents((e) => e.event === 'page_views', { timeoutMs: 10_000 });
    expect(pageViews?.properties.rows).toEqual([{ page: '/', views: 1 }]);
    expect(pageViews?.distinctId).toBe(TEST_DEPLOYMENT_ID);
    const carrying = sink.requests.find((r) => r.receivedAt === pageViews?.receivedAt && r.path === pageViews?.path);
    // The server's own delivery path (posthog-node's /batch/), never a relay of the browser's request.
    expect(carrying?.path).toBe('/batch/');
    expect(carrying?.headers.cookie).toBeUndefined();
    expect(carrying?.headers['x-forwarded-for']).toBeUndefined();
    expect(sink.rawBytes().toString('latin1')).not.toContain('198.51.100.23');
    expect(sink.rawBytes().toString('latin1')).not.toContain('alice-cookie');

    for (const path of ['flags/?v=2', 's/', 'decide/', 'api/projects/1', 'static/recorder.js']) {
      expect((await fetch(`${web.url}/ingest/${path}`, { method: 'POST', body: '{}' })).status).toBe(404);
    }
    expect((await fetch(`${web.url}/ingest/e/`, { method: 'POST', body: 'x'.repeat(100 * 1024) })).status).toBe(413);
    expect((await fetch(`${web.url}/ingest/e/`, { method: 'POST', body: 'not a capture body' })).status).toBe(400);
    expect((await fetch(`${web.url}/ingest/e/`)).status).toBe(405);
    // Longer than an hourly send with the test knobs: nothing refused was counted, and no page view is forwarded.
    await pause(3500);
    const views = sink.events
      .filter((e) => e.event === 'page_views')
      .flatMap((e) => e.properties.rows as { views: number }[]);
    expect(views.reduce((sum, row) => sum + row.views, 0)).toBe(1);
    expect(sink.events.some((e) => e.event === '$pageview')).toBe(false);
  }, 60_000);
});
