import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Sink, startSink } from '@elmo/posthog-sink';
import {
  createDeployment,
  startWeb,
  TELEMETRY_KNOBS,
  type TestDeployment,
  type WebServer,
  webDir,
} from '@elmo/test-support';
import { launchChromium } from '@elmo/test-support/browser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseTelemetryMode, type Mode, shownMode } from './settings-mode';
import { elmoTelemetryStatus } from './support/telemetry';

// SPEC §3 on the settings page: one control for the three modes, used with the keyboard alone. After each
// choice the deployment .env holds it, `elmo telemetry status` agrees, and the sink receives exactly what the mode
// allows; the page is pictured in each mode, its chart of the local log showing (apps/web/screenshots/).

const screenshots = join(webDir, 'screenshots');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the sink received nothing for `quietMs`: what the page counted so far (its page view, its API requests)
 * leaves within a usage interval and a flush (TELEMETRY_KNOBS: 500 + 200 ms), later on a loaded machine.
 */
async function untilSinkQuiet(sink: Sink, quietMs = 1500): Promise<void> {
  for (let seen = -1; seen !== sink.events.length; ) {
    seen = sink.events.length;
    await pause(quietMs);
  }
}
const DAY_MS = 24 * 60 * 60 * 1000;

/** The lines of the .env each mode leaves (the one writer's: SPEC §2). */
const ENV_LINES: Record<Mode, string[]> = { on: [], local: ['TELEMETRY_MODE=local'], off: ['DISABLE_TELEMETRY=1'] };

/**
 * An earlier fortnight of this deployment as its log's older generation would hold it (the test cannot wait two
 * weeks): heartbeats and usage sent most days, a few days in local mode, a day whose events were dropped.
 */
function seedHistory(logFile: string, now: number): void {
  const lines: string[] = [];
  for (let back = 13; back >= 1; back -= 1) {
    const day = new Date(now - back * DAY_MS);
    day.setHours(9, 0, 0, 0);
    const status = back >= 4 && back <= 6 ? 'local' : back === 9 ? 'dropped' : 'sent';
    const events = ['deployment_started', 'heartbeat', 'api_requests', 'feature_usage'];
    for (let i = 0; i < 2 + ((back * 7) % 5); i += 1) events.push(i % 2 ? 'heartbeat' : 'api_requests');
    events.forEach((event, i) => {
      const time = new Date(day.getTime() + i * 37 * 60_000).toISOString();
      lines.push(JSON.stringify({ time, uuid: `seed-${back}-${i}`, event, status, properties: {} }));
    });
  }
  mkdirSync(dirname(logFile), { recursive: true });
  writeFileSync(`${logFile}.1`, `${lines.join('\n')}\n`);
}

describe('the settings page’s telemetry mode control', () => {
  let sink: Sink;
  let deployment: TestDeployment;
  let web: WebServer | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let page: Page;
  let cliHome: string;
  let policy: Record<string, string>;

  beforeAll(async () => {
    sink = await startSink();
    deployment = createDeployment({ sinkUrl: sink.url, prefix: 'elmo-settings-modes-' });
    const root = dirname(deployment.dir);
    cliHome = join(root, 'cli-home');
    // No machine policy, whatever this machine has in /etc/elmo: each process is told where (not) to find one.
    policy = { ELMO_TELEMETRY_POLICY: join(root, 'no-policy.json') };
    seedHistory(deployment.logFile, Date.now());
    web = await startWeb({
      home: deployment.dir,
      userHome: join(root, 'web-user'),
      token: deployment.token,
      inheritEnv: false,
      env: { ...TELEMETRY_KNOBS, ...policy },
    });
    browser = await launchChromium();
    page = await browser.context.newPage();
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await sink?.close();
    deployment?.remove();
  });

  /** A little of what a person does: a brand (a feature used, API requests) and the settings page again. */
  async function activity(name: string): Promise<void> {
    const url = web?.url as string;
    const created = await fetch(`${url}/api/brands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    expect(created.status).toBe(201);
    await page.reload();
    await page.getByTestId('telemetry-chart').waitFor();
  }

  const telemetryLines = () =>
    readFileSync(deployment.envFile, 'utf8')
      .split('\n')
      .filter((line) => /^(DISABLE_TELEMETRY|TELEMETRY_MODE|DO_NOT_TRACK)=/.test(line));

  /** The .env and `elmo telemetry status` agree with the page on `mode`. */
  async function expectMode(mode: Mode): Promise<void> {
    expect(await shownMode(page)).toBe(mode);
    expect(telemetryLines()).toEqual(ENV_LINES[mode]);
    expect(readFileSync(deployment.envFile, 'utf8')).toContain(`DEPLOYMENT_ID=${deployment.deploymentId}`);
    const status = await elmoTelemetryStatus(deployment.dir, cliHome, policy);
    expect(status).toMatchObject({ mode, enabled: mode === 'on' });
    if (mode !== 'on') expect(status.source).toBe('deployment-env');
    const decision = await page.getByTestId('telemetry-decision').textContent();
    expect(decision).toMatch({ on: /^On: /, local: /^Local only: /, off: /^Off: / }[mode]);
  }

  const shot = (mode: Mode) =>
    page.screenshot({ path: join(screenshots, `settings-${mode}.png`), fullPage: true, animations: 'disabled' });

  it('switches On → Local only → Off → On with the keyboard; .env, elmo telemetry status and the sink agree each time', async () => {
    await page.goto(`${web?.url}/settings`);
    await sink.waitForEvents((e) => e.event === 'deployment_started', { timeoutMs: 15_000 });
    // The browser's page views are counted by the server and sent hourly (every 3 s with the test knobs).
    await sink.waitForEvents((e) => e.event === 'page_views', { timeoutMs: 15_000 });
    await expectMode('on');
    await activity('Before');
    await sink.waitForEvents((e) => e.event === 'feature_usage', { timeoutMs: 10_000 });

    for (const mode of ['local', 'off', 'on'] as const) {
      await chooseTelemetryMode(page, mode);
      // The keyboard stays on the group across the reload the choice causes.
      expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value)).toBe(mode);
      await expectMode(mode);
      // What was in flight when the choice was made has landed (the sink answers at once); count from here.
      await pause(250);
      const from = sink.requests.length;
      const eventsFrom = sink.events.length;
      await activity(`In ${mode}`);
      if (mode === 'on') {
        // Every kind of event flows again: the browser's page views (counted), the server's usage.
        for (const event of ['page_views', 'feature_usage']) {
          await sink.waitForEvents((e) => e.event === event && sink.events.indexOf(e) >= eventsFrom, {
            timeoutMs: 15_000,
          });
        }
        expect(await page.evaluate(() => document.documentElement.dataset.analytics)).toBe('on');
      } else {
        // Longer than a flush (200 ms) and a usage period (500 ms): anything let through would be here.
        await pause(1500);
        expect(sink.requests.slice(from)).toEqual([]);
        expect(await page.evaluate(() => document.documentElement.dataset.analytics)).toBeUndefined();
      }
      // The page again, with what this mode recorded in the log (written within 200 ms of each event).
      await pause(400);
      await page.reload();
      const today = page.locator('[data-testid="telemetry-chart"] g[data-date]').last();
      // Local only: the events are still recorded, marked local, and today's bar shows them.
      if (mode === 'local') await today.locator('rect[data-status="local"]').waitFor({ timeout: 5000 });
      await shot(mode);
    }

    // The chart covers 14 days, the seeded ones included, and says so in words.
    expect(await page.locator('[data-testid="telemetry-chart"] g[data-date]').count()).toBe(14);
    expect(await page.getByTestId('telemetry-history-summary').textContent()).toMatch(/^In the last 14 days /);
    // The log downloads as JSONL from the link on the page.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the log (JSONL)' }).click(),
    ]);
    const path = await download.path();
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(50);
    expect(lines.every((line) => typeof JSON.parse(line).uuid === 'string')).toBe(true);
  }, 180_000);

  it('forgets the deployment after an inline confirmation, keyboard only: one deletion request, off, a new id', async () => {
    await page.goto(`${web?.url}/settings`);
    await page.locator('[role="radiogroup"][data-ready]').waitFor();
    const forget = page.getByRole('button', { name: 'Forget this deployment' });
    for (let presses = 0; presses <= 60 && !(await forget.evaluate((b) => b === document.activeElement)); presses += 1)
      await page.keyboard.press('Tab');

    // Asked first; Escape takes the question back and the focus returns to the button.
    await page.keyboard.press('Enter');
    const question = page.getByRole('group', { name: /sends one deletion request/ });
    await question.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await question.waitFor({ state: 'detached' });
    expect(await forget.evaluate((b) => b === document.activeElement)).toBe(true);
    expect(readFileSync(deployment.envFile, 'utf8')).toContain(`DEPLOYMENT_ID=${deployment.deploymentId}`);

    // Counted while telemetry was on, before the forget: sent under the old id, as they may be.
    await untilSinkQuiet(sink);
    const from = sink.events.length;
    await page.keyboard.press('Enter');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Confirm');
    await page.keyboard.press('Enter');
    await page
      .getByTestId('forget-result')
      .filter({ hasText: /^Forgotten: / })
      .waitFor({ timeout: 15_000 });

    const text = readFileSync(deployment.envFile, 'utf8');
    const newId = /^DEPLOYMENT_ID=(.+)$/m.exec(text)?.[1];
    expect(newId).toMatch(/^[0-9a-f-]{36}$/);
    expect(newId).not.toBe(deployment.deploymentId);
    expect(telemetryLines()).toEqual(ENV_LINES.off);
    expect(await shownMode(page)).toBe('off');
    expect(await elmoTelemetryStatus(deployment.dir, cliHome, policy)).toMatchObject({ mode: 'off', enabled: false });
    await pause(1000);
    expect(sink.events.slice(from).map((e) => [e.event, e.distinctId])).toEqual([
      ['deletion_request', deployment.deploymentId],
    ]);
  }, 60_000);
});
