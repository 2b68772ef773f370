import { readFileSync } from 'node:fs';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { join } from 'node:path';
import { type Sink, startSink } from '@elmo/posthog-sink';
import { createTempDir, listenOnLoopback, type ManagedProcess, startWeb, writeDeploymentEnv } from '@elmo/test-support';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@elmo/test-support/browser';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseTelemetryMode, shownMode } from './settings-mode';

// SPEC §3, "No web page can change consent", in a real Chromium against the built app: pages of other origins
// try every request a browser sends without asking the server first (no-cors fetch, HTML forms, sendBeacon),
// a preflighted JSON fetch, and a DNS-rebound page that talks to the app as its own origin. None may change
// the deployment .env or create a brand; the app's own settings mode control must still work.

const REBOUND_HOST = 'rebind.test';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: ReturnType<typeof createTempDir>;
let sink: Sink;
let web: ManagedProcess;
let appUrl: string;
let envFile: string;
let attacker: Server;
let attackerPort: number;
let browser: Browser;

/** Starts the built web app with an explicit environment: nothing of the test runner's (CI=true…) leaks in. */
async function startApp(home: string): Promise<void> {
  const user = join(dir.path, 'user');
  const server = await startWeb({
    home,
    userHome: user,
    inheritEnv: false,
    env: {
      XDG_CONFIG_HOME: join(user, '.config'),
      XDG_STATE_HOME: join(user, '.state'),
      ELMO_TELEMETRY_FLUSH_MS: '200',
    },
  });
  web = server;
  appUrl = server.url;
}

/** Another site's page: every request it can make a browser send to the app without a CORS grant. */
function crossSitePage(app: string): string {
  const form = (target: string, path: string, enctype: string, name: string, value: string) =>
    `<iframe name="${target}"></iframe>
     <form method="POST" action="${app}${path}" enctype="${enctype}" target="${target}">
       <input name='${name}' value='${value}'></form>`;
  return `<!doctype html><meta charset="utf-8"><title>attacker</title>
${form('f1', '/api/settings/telemetry', 'text/plain', '{"enabled":true,"x":"', '"}')}
${form('f2', '/api/brands', 'text/plain', '{"name":"Pwned form","x":"', '"}')}
${form('f3', '/api/settings/telemetry', 'application/x-www-form-urlencoded', 'enabled', 'true')}
${form('f4', '/api/brands', 'application/x-www-form-urlencoded', 'name', 'Pwned urlencoded')}
${form('f5', '/api/brands', 'multipart/form-data', 'name', 'Pwned multipart')}
<script>
  const app = ${JSON.stringify(app)};
  const log = (what) => document.body.insertAdjacentHTML('beforeend', '<p>' + what + '</p>');
  async function attack() {
    const loaded = [...document.querySelectorAll('iframe')].map(
      (frame) => new Promise((resolve) => frame.addEventListener('load', resolve, { once: true })),
    );
    for (const form of document.forms) form.submit();
    const text = { 'content-type': 'text/plain' };
    const tries = [
      fetch(app + '/api/settings/telemetry', { method: 'POST', mode: 'no-cors', headers: text, body: '{"enabled":true}' }),
      fetch(app + '/api/brands', { method: 'POST', mode: 'no-cors', body: '{"name":"Pwned fetch"}' }),
      fetch(app + '/api/brands', { method: 'POST', mode: 'no-cors', credentials: 'include', body: '{"name":"Pwned creds"}' }),
      // Preflighted: the server grants no CORS, so the browser never sends the POST itself.
      fetch(app + '/api/settings/telemetry', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"enabled":true}',
      }),
    ];
    log('beacon telemetry ' + navigator.sendBeacon(app + '/api/settings/telemetry', '{"enabled":true}'));
    log('beacon brands ' + navigator.sendBeacon(app + '/api/brands', '{"name":"Pwned beacon"}'));
    try {
      const json = new Blob(['{"name":"Pwned beacon json"}'], { type: 'application/json' });
      log('beacon json ' + navigator.sendBeacon(app + '/api/brands', json));
    } catch (error) {
      log('beacon json refused by the browser: ' + error.name);
    }
    for (const result of await Promise.allSettled(tries)) log('fetch ' + result.status);
    await Promise.race([Promise.all(loaded), new Promise((resolve) => setTimeout(resolve, 10000))]);
    document.title = 'done';
  }
  attack();
</script>`;
}

/** A page whose host name was rebound to 127.0.0.1: to the browser, the app is now its own origin. */
function reboundPage(): string {
  return `<!doctype html><meta charset="utf-8"><title>rebound</title><script>
  async function attack() {
    const json = { 'content-type': 'application/json' };
    await Promise.allSettled([
      fetch('/api/settings/telemetry', { method: 'POST', headers: json, body: '{"enabled":true}' }),
      fetch('/api/brands', { method: 'POST', headers: json, body: '{"name":"Pwned rebound"}' }),
      fetch('/ingest/e/', { method: 'POST', body: '[]' }),
    ]);
    document.title = 'done';
  }
  attack();
</script>`;
}

/** Serves the attack pages; anything else is passed to the app with its Host kept, as after a DNS rebinding. */
function handleAttacker(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '/';
  if (req.method === 'GET' && (path === '/cross' || path === '/rebound')) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(path === '/cross' ? crossSitePage(appUrl) : reboundPage());
    return;
  }
  const target = new URL(appUrl);
  const upstream = httpRequest(
    { host: target.hostname, port: target.port, method: req.method, path, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.writeHead(502).end());
  req.pipe(upstream);
}

/** Every POST the browser sent towards the app, with the status it got. */
function recordPosts(page: Page, origins: string[]): { url: string; status: number }[] {
  const posts: { url: string; status: number }[] = [];
  page.on('response', (response) => {
    const request = response.request();
    if (request.method() === 'POST' && origins.some((o) => request.url().startsWith(o))) {
      posts.push({ url: request.url(), status: response.status() });
    }
  });
  return posts;
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await pause(100);
}

async function brandNames(): Promise<string[]> {
  const { brands } = await (await fetch(`${appUrl}/api/brands`)).json();
  return brands.map((b: { name: string }) => b.name);
}

beforeAll(async () => {
  dir = createTempDir('elmo-cross-origin-');
  sink = await startSink();
  const home = join(dir.path, 'deployment');
  // Telemetry starts off: what the attacker wants is to turn it on.
  envFile = writeDeploymentEnv(home, sink.url, 'DISABLE_TELEMETRY=1\n');
  await startApp(home);
  attacker = createServer(handleAttacker);
  attackerPort = (await listenOnLoopback(attacker)).port;
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // The DESIGN.md flags, plus a resolver rule that stands in for the attacker's DNS answering 127.0.0.1.
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${REBOUND_HOST} 127.0.0.1`],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (attacker ? attacker.close(resolve) : resolve(undefined)));
  await web?.stop('SIGTERM', 10_000);
  await sink?.close();
  dir?.remove();
});

describe('pages of other origins cannot change the app', () => {
  it.each([
    ['another site (localhost vs 127.0.0.1)', () => `http://localhost:${attackerPort}/cross`],
    ['another port of the same host (same-site)', () => `http://127.0.0.1:${attackerPort}/cross`],
  ])(
    '%s: forms, no-cors fetches, beacons and a preflighted fetch change nothing',
    async (_what, pageUrl) => {
      const before = readFileSync(envFile);
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        const posts = recordPosts(page, [appUrl]);
        await page.goto(pageUrl());
        await page.waitForFunction(() => document.title === 'done', undefined, { timeout: 30_000 });
        // 5 forms, 3 no-cors fetches, 2 beacons reach the server; the preflighted fetch never does.
        await waitFor(() => posts.length >= 10, 10_000);
        await pause(500);
        expect(posts.length).toBeGreaterThanOrEqual(10);
        expect(posts.filter((p) => p.status !== 403)).toEqual([]);
        expect(posts.filter((p) => p.url.endsWith('/api/settings/telemetry')).length).toBeGreaterThanOrEqual(3);
        expect(posts.filter((p) => p.url.endsWith('/api/brands')).length).toBeGreaterThanOrEqual(6);
      } finally {
        await context.close();
      }
      expect(readFileSync(envFile).equals(before)).toBe(true);
      expect(await brandNames()).toEqual([]);
    },
    60_000,
  );

  it('a DNS-rebound page, same-origin to the browser, is refused by the Host check', async () => {
    const before = readFileSync(envFile);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const origin = `http://${REBOUND_HOST}:${attackerPort}`;
      const posts = recordPosts(page, [origin]);
      await page.goto(`${origin}/rebound`);
      await page.waitForFunction(() => document.title === 'done', undefined, { timeout: 30_000 });
      await waitFor(() => posts.length >= 3, 5000);
      expect(posts.map((p) => p.status)).toEqual([403, 403, 403]);
    } finally {
      await context.close();
    }
    expect(readFileSync(envFile).equals(before)).toBe(true);
    expect(await brandNames()).toEqual([]);
  }, 60_000);

  it('a DNS-rebound name cannot read the app either: every page and API route answers 403', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const rebound = `http://${REBOUND_HOST}:${new URL(appUrl).port}`;
      const statuses: number[] = [];
      for (const path of ['/', '/settings', '/api/brands', '/api/settings/telemetry']) {
        statuses.push((await page.goto(`${rebound}${path}`))?.status() ?? 0);
      }
      expect(statuses).toEqual([403, 403, 403, 403]);
      // The app's own name still works.
      expect((await page.goto(`${appUrl}/settings`))?.status()).toBe(200);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('the app’s own settings page still turns telemetry on and off through its mode control', async () => {
    const before = readFileSync(envFile, 'utf8');
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${appUrl}/settings`);
      expect(await shownMode(page)).toBe('off');
      await chooseTelemetryMode(page, 'on');
      const on = readFileSync(envFile, 'utf8');
      expect(on).not.toBe(before);
      expect(on).not.toMatch(/^DISABLE_TELEMETRY=1$/m);
      expect(on).toContain('# test deployment');

      await chooseTelemetryMode(page, 'off');
      expect(readFileSync(envFile, 'utf8')).toMatch(/^DISABLE_TELEMETRY=1$/m);
    } finally {
      await context.close();
    }
  }, 60_000);
});
