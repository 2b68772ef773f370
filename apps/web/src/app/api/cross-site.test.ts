import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Sink, startSink } from '@elmo/posthog-sink';
import { createTempDir, TEST_DEPLOYMENT_ID, writeDeploymentEnv } from '@elmo/test-support';
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTestPglite, type TestDatabase } from '../../../test/support/database';
import { type RouteCall, type RouteHandler, routeRequest } from '../../../test/support/route-calls';
import { brands, prompts, reports } from '../../server/db/schema';
import { readWebEnv } from '../../server/env';
import { createWebRuntime, provideRuntime } from '../../server/runtime';
import { createWebTelemetry, type WebTelemetry } from '../../server/telemetry';

// SPEC §3, "No web page can change consent": every state-changing handler of every route module, found on
// disk, is sent the request another site's page could make it send, and must answer 403 having changed
// nothing; the app's own request (or the worker's) must then go through and change what it is meant to.

const appDir = join(import.meta.dirname, '..');
const STATE_CHANGING = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
const TOKEN = 'cross-site-token';
const OWN = 'http://127.0.0.1:1515';
const ATTACKER = 'https://attacker.example';

interface Discovered {
  template: string;
  method: string;
  handler: RouteHandler;
}

/** Every exported POST/PUT/PATCH/DELETE of every `route.ts` under src/app, with its route template. */
async function discoverHandlers(): Promise<Discovered[]> {
  const files = readdirSync(appDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file === 'route.ts' || file.endsWith(`${sep}route.ts`))
    .sort();
  const found: Discovered[] = [];
  for (const file of files) {
    const module: Record<string, unknown> = await import(pathToFileURL(join(appDir, file)).href);
    const template = `/${dirname(file).split(sep).join('/')}`;
    for (const method of STATE_CHANGING) {
      if (typeof module[method] === 'function')
        found.push({ template, method, handler: module[method] as RouteHandler });
    }
  }
  return found;
}

const discovered = await discoverHandlers();

let t: TestDatabase;
let sink: Sink;
let home: ReturnType<typeof createTempDir>;
let envFile: string;
let telemetry: WebTelemetry;

beforeAll(async () => {
  home = createTempDir('elmo-cross-site-');
  // Consent also reads the user's own config under HOME: keep the machine's out of this test.
  vi.stubEnv('HOME', join(home.path, 'user'));
  vi.stubEnv('XDG_CONFIG_HOME', join(home.path, 'user', '.config'));
  t = await openTestPglite();
  sink = await startSink();
  envFile = writeDeploymentEnv(home.path, sink.url, 'DISABLE_TELEMETRY=1\n');
  const env = {
    ...readWebEnv({ ELMO_HOME: home.path, ELMO_TELEMETRY_FLUSH_MS: '100', ELMO_TELEMETRY_USAGE_MS: '60000' }),
    internalToken: TOKEN,
  };
  telemetry = createWebTelemetry(env);
  provideRuntime(createWebRuntime({ env, database: t.database, telemetry }));
});
afterAll(async () => {
  await telemetry?.shutdown();
  await sink?.close();
  await t?.close();
  home?.remove();
  vi.unstubAllEnvs();
});

/** What a refused request must leave untouched: the deployment .env byte for byte, every table, the sink. */
async function snapshot(): Promise<{ env: Buffer; tables: string; pageViews: number }> {
  const { db } = t.database;
  const tables = {
    brands: await db.select().from(brands).orderBy(asc(brands.id)),
    prompts: await db.select().from(prompts).orderBy(asc(prompts.id)),
    reports: await db.select().from(reports).orderBy(asc(reports.id)),
  };
  // Page views are counted, not forwarded one by one: what was counted is sent now and summed from page_views.
  await telemetry.sendUsage();
  const pageViews = sink.events
    .filter((e) => e.event === 'page_views')
    .flatMap((e) => e.properties.rows as { views: number }[])
    .reduce((sum, row) => sum + row.views, 0);
  return { env: readFileSync(envFile), tables: JSON.stringify(tables), pageViews };
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The request a case makes: its params and body; `worker` calls carry the token and no browser headers. */
interface Prepared {
  params?: Record<string, string | string[]>;
  body: unknown;
  worker?: boolean;
}

/** How to make one handler's legitimate request, and what it answers and changes. */
interface Fixture {
  prepare(): Promise<Prepared>;
  status: number;
  /** `state`: the .env or a table changes; `sink`: a page view reaches the destination. */
  effect: 'state' | 'sink';
  /** Takes a text/plain body from its own origin (posthog-js's bodies). */
  acceptsAnyBody?: boolean;
  cleanup?(): Promise<void>;
}

const repos = () => t.repos;

async function brandWithPrompt() {
  const brand = await repos().brands.create('Target');
  const prompt = await repos().prompts.create(brand.id, 'Which coffee is best?');
  if (!prompt) throw new Error('prompt not created');
  return { brand, prompt };
}

/** Claims every queued job for someone else, so the next claim is the one a case queues. */
async function drainQueue(): Promise<void> {
  while ((await repos().reports.claim('drain')).job);
}

async function claimedJob() {
  await drainQueue();
  const { brand } = await brandWithPrompt();
  await repos().reports.request(brand.id);
  const { job } = await repos().reports.claim('w1');
  if (!job) throw new Error('no job claimed');
  return job;
}

/** The settings page's mode control, called as the page calls it (the older `{ enabled }` body). */
async function setTelemetry(enabled: boolean): Promise<void> {
  const handler = discovered.find((d) => d.template === '/api/settings/telemetry' && d.method === 'POST');
  const response = await send(handler as Discovered, { body: { enabled } });
  expect(response.status).toBe(200);
}

/** A request to a route under a fresh brand's or prompt's `[id]`, with `body`, that changes state. */
const onNew = (row: 'brand' | 'prompt', body: unknown, status: number): Fixture => ({
  prepare: async () => ({ params: { id: (await brandWithPrompt())[row].id }, body }),
  status,
  effect: 'state',
});

const FIXTURES: Record<string, Fixture> = {
  'POST /api/brands': { prepare: async () => ({ body: { name: 'Pwned' } }), status: 201, effect: 'state' },
  'PATCH /api/brands/[id]': onNew('brand', { name: 'Pwned' }, 200),
  'DELETE /api/brands/[id]': onNew('brand', undefined, 204),
  'POST /api/brands/[id]/prompts': onNew('brand', { text: 'Pwned' }, 201),
  'PATCH /api/prompts/[id]': onNew('prompt', { text: 'Pwned' }, 200),
  'DELETE /api/prompts/[id]': onNew('prompt', undefined, 204),
  'POST /api/reports': {
    prepare: async () => ({ body: { brandId: (await brandWithPrompt()).brand.id } }),
    status: 201,
    effect: 'state',
  },
  'POST /api/settings/telemetry': {
    prepare: async () => {
      await setTelemetry(false);
      return { body: { enabled: true } };
    },
    status: 200,
    effect: 'state',
    cleanup: () => setTelemetry(false),
  },
  'POST /api/settings/telemetry/forget': {
    prepare: async () => ({ body: { confirm: true } }),
    status: 200,
    effect: 'state',
    // The deployment gets its id back, with telemetry off, for the cases after this one.
    cleanup: async () => {
      writeDeploymentEnv(home.path, sink.url, 'DISABLE_TELEMETRY=1\n');
      await setTelemetry(false);
    },
  },
  'POST /api/internal/jobs/claim': {
    prepare: async () => {
      await drainQueue();
      await repos().reports.request((await brandWithPrompt()).brand.id);
      return { body: { workerId: 'w1' }, worker: true };
    },
    status: 200,
    effect: 'state',
  },
  'POST /api/internal/jobs/[id]/complete': {
    prepare: async () => {
      const job = await claimedJob();
      const result = {
        version: 2,
        generatedAt: new Date().toISOString(),
        brand: { id: job.brand.id, name: job.brand.name },
        totals: { prompts: 0, createdLast7Days: 0, createdLast30Days: 0, editedLast7Days: 0, editedLast30Days: 0 },
        prompts: [],
        providers: [],
      };
      return { params: { id: job.id }, body: { workerId: 'w1', result }, worker: true };
    },
    status: 200,
    effect: 'state',
  },
  'POST /api/internal/jobs/[id]/fail': {
    prepare: async () => ({
      params: { id: (await claimedJob()).id },
      body: { workerId: 'w1', errorCode: 'boom' },
      worker: true,
    }),
    status: 200,
    effect: 'state',
  },
  'POST /ingest/[...path]': {
    prepare: async () => {
      await setTelemetry(true);
      const event = { event: '$pageview', properties: { token: 'phc_test', distinct_id: TEST_DEPLOYMENT_ID } };
      return { params: { path: ['e'] }, body: [{ ...event, properties: { ...event.properties, $pathname: '/' } }] };
    },
    status: 200,
    effect: 'sink',
    acceptsAnyBody: true,
    cleanup: () => setTelemetry(false),
  },
};

/** Sends the legitimate request of a case, with `headers` changed: what an attacker can and cannot forge. */
async function send(
  route: Discovered,
  prepared: Prepared,
  headers: Record<string, string | undefined> = {},
): Promise<Response> {
  const browser = prepared.worker ? {} : { origin: OWN, 'sec-fetch-site': 'same-origin' };
  const call: RouteCall = {
    body: prepared.body,
    params: prepared.params,
    token: prepared.worker ? TOKEN : undefined,
    url: `${OWN}${route.template}`,
    headers: { host: '127.0.0.1:1515', ...browser, ...headers },
  };
  return route.handler(routeRequest(route.method, call), { params: Promise.resolve(prepared.params ?? {}) });
}

/** The requests another site can get a browser to send, each changing what the app's own request looks like. */
const ATTACKS: { what: string; headers: Record<string, string>; bodyOnly?: boolean }[] = [
  { what: 'a foreign Origin', headers: { origin: ATTACKER } },
  { what: 'Origin: null', headers: { origin: 'null' } },
  { what: 'Sec-Fetch-Site: cross-site', headers: { 'sec-fetch-site': 'cross-site' } },
  { what: 'another port of this host', headers: { origin: 'http://127.0.0.1:1516', 'sec-fetch-site': 'same-site' } },
  { what: 'a text/plain body', headers: { 'content-type': 'text/plain;charset=UTF-8' }, bodyOnly: true },
  { what: 'a form body', headers: { 'content-type': 'application/x-www-form-urlencoded' }, bodyOnly: true },
  { what: 'a multipart body', headers: { 'content-type': 'multipart/form-data; boundary=x' }, bodyOnly: true },
  { what: 'a DNS-rebound Host', headers: { host: 'attacker.example:1515', origin: 'http://attacker.example:1515' } },
  {
    what: 'all of them at once',
    headers: {
      host: 'attacker.example:1515',
      origin: ATTACKER,
      'sec-fetch-site': 'cross-site',
      'content-type': 'text/plain',
    },
  },
];

describe('every state-changing route handler', () => {
  it('is found on disk and has a case here (a new handler needs one)', () => {
    const keys = discovered.map((d) => `${d.method} ${d.template}`);
    expect(keys.length).toBeGreaterThanOrEqual(12);
    expect(keys.sort()).toEqual(Object.keys(FIXTURES).sort());
  });

  it.each(discovered.map((d) => [`${d.method} ${d.template}`, d] as const))(
    '%s refuses a cross-site request with 403, changing nothing, and accepts the app’s own',
    async (key, route) => {
      const fixture = FIXTURES[key];
      if (!fixture) throw new Error(`no case for ${key}`);
      const prepared = await fixture.prepare();
      try {
        const before = await snapshot();
        for (const attack of ATTACKS) {
          if (attack.bodyOnly && fixture.acceptsAnyBody) continue;
          const response = await send(route, prepared, attack.headers);
          expect({ attack: attack.what, status: response.status }).toEqual({ attack: attack.what, status: 403 });
          expect((await response.json()).error).toEqual({ code: 'forbidden', message: expect.any(String) });
        }
        if (fixture.effect === 'sink') await pause(400); // Longer than a flush: anything let through would show.
        const after = await snapshot();
        expect(after.env.equals(before.env)).toBe(true);
        expect(after.tables).toBe(before.tables);
        expect(after.pageViews).toBe(before.pageViews);

        const own = await send(route, prepared);
        expect(own.status).toBe(fixture.status);
        if (fixture.effect === 'state') {
          const changed = await snapshot();
          expect(changed.env.equals(before.env) && changed.tables === before.tables).toBe(false);
        } else {
          expect((await snapshot()).pageViews).toBe(before.pageViews + 1);
        }
      } finally {
        await fixture.cleanup?.();
      }
    },
  );

  it('lets the app’s own page post posthog-js’s text/plain bodies to /ingest', async () => {
    const ingest = discovered.find((d) => d.template.startsWith('/ingest/'));
    if (!ingest) throw new Error('no /ingest route');
    const response = await send(ingest, { params: { path: ['e'] }, body: [] }, { 'content-type': 'text/plain' });
    expect(response.status).not.toBe(403);
  });

  it('lets the worker (no Origin, no Sec-Fetch-Site, JSON) through to the token check', async () => {
    const claim = discovered.find((d) => d.template === '/api/internal/jobs/claim');
    if (!claim) throw new Error('no claim route');
    const response = await send(
      claim,
      { body: { workerId: 'w2' } },
      { origin: undefined, 'sec-fetch-site': undefined },
    );
    expect(response.status).toBe(401);
  });
});
