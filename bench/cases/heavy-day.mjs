// One simulated heavy day of a deployment: events sent / bytes sent (budget ≤ 200 events and ≤ 150 KB).
//
// The real createDeploymentTelemetry (packages/elmo-telemetry, built dist) of the web component, wired as apps/web
// wires it (reportVersion() and started() at start, shutdown(2000) at the end, brand and prompt totals), runs in
// a child process of this file with an empty environment, its deployment folder's `.env` holding a random
// DEPLOYMENT_ID and an in-process loopback sink. 24 h of its timers run on a FAKE clock (lib/fake-clock.mjs, as
// @sinonjs/fake-timers is not in the workspace): every timer created by the telemetry packages (flush 30 s, usage
// 10 min, heartbeat 24 h, consent poll 1 s, local-log writes) is fake, at the shipped default intervals, and the
// telemetry's `now` is the fake clock; Node's HTTP stack, posthog-node and the sink keep real timers, so each
// batch really goes over loopback HTTP. After every fake timer firing the child waits until the sends it started
// have been answered, so the day's batching is the one a real day would see (a send takes ms, the clock ~never).
// The sender is the product's own (createPostHogSender, as createDeploymentTelemetry builds it), passed in only
// to count the sends in flight.
//
// Load (fixed seed), a heavy day of a team working 08:00–20:00: API_REQUESTS apiRequest() samples over every
// API route template (a realistic method mix; ~4% 4xx, ~0.5% 5xx), of which AUTOMATION_SHARE arrive around the
// clock (the CLI, scripts) and the rest in working hours; FEATURES featureUsed() calls and PAGE_VIEWS page views
// (pageView(template), as /ingest counts them) in working hours. The fresh deployment's first day, so its
// install_complete is in it. Measured: what the sink received (every request's body length as it arrived, gzip as
// sent), by event name; the accepted rows are checked against the load (every API request in an api_requests row,
// every page view in a page_views row, every feature action in a feature_usage count).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRandom } from '@elmo/test-support';

const CHILD_FLAG = '--heavy-day-child';
const DAY_MS = 24 * 60 * 60_000;
const HOUR_MS = 60 * 60_000;
const WORK = { from: 8 * HOUR_MS, to: 20 * HOUR_MS };
const API_REQUESTS = 12_000;
const AUTOMATION_SHARE = 0.25;
const FEATURES = 1_200;
const PAGE_VIEWS = 720;
const BUDGET = { events: 200, bytes: 150 * 1024 };
const SEED = 20_240_601;
// Route template, method, weight: reads dominate.
const ENDPOINTS = [
  ['/api/brands', 'GET', 20],
  ['/api/brands', 'POST', 1],
  ['/api/brands/[id]', 'GET', 15],
  ['/api/brands/[id]', 'PATCH', 1],
  ['/api/brands/[id]', 'DELETE', 0.3],
  ['/api/brands/[id]/prompts', 'GET', 15],
  ['/api/brands/[id]/prompts', 'POST', 2],
  ['/api/prompts/[id]', 'GET', 5],
  ['/api/prompts/[id]', 'PATCH', 2],
  ['/api/prompts/[id]', 'DELETE', 0.5],
  ['/api/reports', 'GET', 15],
  ['/api/reports', 'POST', 2],
  ['/api/reports/[id]', 'GET', 20],
  ['/api/settings/telemetry', 'GET', 2],
  ['/api/settings/telemetry', 'POST', 0.2],
];
const FEATURE_WEIGHTS = {
  brands_created: 1,
  prompts_created: 4,
  prompts_edited: 6,
  prompts_deleted: 1,
  reports_requested: 8,
  reports_completed: 7.5,
  reports_failed: 0.5,
};

// ---------------------------------------------------------------------------------------------- the child process

function pickWeighted(random, entries, weightOf) {
  const total = entries.reduce((sum, e) => sum + weightOf(e), 0);
  let r = random() * total;
  for (const entry of entries) {
    r -= weightOf(entry);
    if (r < 0) return entry;
  }
  return entries[entries.length - 1];
}

/** The day's load as [time offset, call] pairs, in time order. */
function buildLoad(deployment) {
  const random = createRandom(SEED);
  const at = (window) => window.from + random() * (window.to - window.from);
  const load = [];
  const tracked = { apiRequests: 0, features: 0, pageViews: 0 };
  for (let i = 0; i < API_REQUESTS; i += 1) {
    const window = i < API_REQUESTS * AUTOMATION_SHARE ? { from: 0, to: DAY_MS } : WORK;
    const [route, method] = pickWeighted(random, ENDPOINTS, (e) => e[2]);
    const roll = random();
    const ok = method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200;
    const status = roll < 0.005 ? 500 : roll < 0.025 ? 404 : roll < 0.045 ? 422 : ok;
    const durationMs = Math.round(4 + random() ** 3 * 400);
    load.push([at(window), () => deployment.apiRequest(route, method, status, durationMs)]);
  }
  for (let i = 0; i < FEATURES; i += 1) {
    const [name] = pickWeighted(random, Object.entries(FEATURE_WEIGHTS), (e) => e[1]);
    load.push([at(WORK), () => deployment.featureUsed(name)]);
  }
  return { load, tracked, random, at };
}

async function runChild() {
  const { installFakeClock } = await import('../lib/fake-clock.mjs');
  const start = Date.UTC(2025, 5, 2); // a Monday, 00:00 UTC
  const clock = installFakeClock({ start, owns: /\/packages\/(telemetry-core|elmo-telemetry)\/dist\// });
  const { startSink } = await import('@elmo/posthog-sink');
  const { createDeployment } = await import('@elmo/test-support');
  const { createDeploymentTelemetry } = await import('@elmo/elmo-telemetry/deployment');
  const { PAGE_ROUTES } = await import('@elmo/elmo-telemetry');
  const { createPostHogSender } = await import('@elmo/telemetry-core/posthog');
  const sink = await startSink();
  const folder = createDeployment({ sinkUrl: sink.url, prefix: 'elmo-bench-day-' });
  try {
    const inFlight = new Set();
    let deployment;
    // The product's sender, built as createDeploymentTelemetry builds it from the .env (key phc_test).
    const posthog = createPostHogSender({
      host: sink.url,
      apiKey: 'phc_test',
      requestTimeoutMs: 5000,
      mayAttempt: () => deployment.consent().enabled,
    });
    const sender = {
      ...posthog,
      send(events) {
        const sending = posthog.send(events);
        const settled = sending.catch(() => {}).finally(() => inFlight.delete(settled));
        inFlight.add(settled);
        return sending;
      },
    };
    deployment = createDeploymentTelemetry({
      component: 'web',
      deploymentDir: folder.dir,
      homedir: folder.dir,
      env: {},
      productVersion: '0.1.0',
      now: clock.now,
      sender,
      totals: async () => ({ brands_total: 14, prompts_total: 120 }),
    });
    const immediate = () => new Promise((resolve) => setImmediate(resolve));
    // Until the sends started by a firing (and any it chains) have been answered.
    const settle = async () => {
      for (;;) {
        await immediate();
        if (inFlight.size === 0) {
          await immediate();
          if (inFlight.size === 0) return;
        }
        await Promise.all([...inFlight]);
      }
    };
    const { load, tracked, random, at } = buildLoad(deployment);
    for (let i = 0; i < PAGE_VIEWS; i += 1) {
      const pathname = PAGE_ROUTES[Math.floor(random() * PAGE_ROUTES.length)];
      load.push([at(WORK), () => deployment.pageView(pathname)]);
    }
    load.sort((a, b) => a[0] - b[0]);
    const wallStarted = performance.now();
    // As apps/web's ready(): the version marker (install_complete on the first start), then deployment_started.
    deployment.reportVersion();
    deployment.started();
    await settle();
    for (const [offset, call] of load) {
      await clock.advanceTo(start + offset, settle);
      call();
    }
    tracked.apiRequests = API_REQUESTS;
    tracked.features = FEATURES;
    tracked.pageViews = PAGE_VIEWS;
    await clock.advanceTo(start + DAY_MS, settle);
    // shutdown(2000) at the end of the day: its deadline timers are fake too, so the clock follows real time.
    let done = false;
    const stopped = deployment.shutdown(2000).then(() => {
      done = true;
    });
    while (!done) {
      const before = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 2));
      await clock.advanceTo(clock.now() + (performance.now() - before));
    }
    await stopped;
    await settle();
    const wallMs = performance.now() - wallStarted;
    const status = deployment.deliveryStatus();
    const requests = sink.requests.map((r) => ({
      path: r.path,
      status: r.status,
      outcome: r.outcome,
      bytes: r.body.length,
      decodedBytes: r.text === undefined ? r.body.length : Buffer.byteLength(r.text),
      events: Array.isArray(r.payload?.batch)
        ? r.payload.batch.map((e) => ({ name: e.event, json: Buffer.byteLength(JSON.stringify(e)) }))
        : [],
    }));
    const events = sink.events.map((e) => ({ name: e.event, properties: e.properties, uuid: e.uuid }));
    clock.uninstall();
    return { requests, events, tracked, status, clock: clock.stats(), wallMs, fakeEnd: clock.now() - start };
  } finally {
    clock.uninstall();
    await sink.close();
    folder.remove();
  }
}

if (process.argv[2] === CHILD_FLAG) {
  const report = await runChild();
  process.send(report, () => process.exit(0));
}

// ----------------------------------------------------------------------------------------------------- the bench

function runInChild() {
  return new Promise((resolve, reject) => {
    // An empty environment: none of the bench's own variables (DO_NOT_TRACK, CI, NODE_OPTIONS …) reach it.
    const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], {
      env: {},
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let report;
    child.on('message', (message) => {
      report = message;
    });
    child.on('error', reject);
    child.on('exit', (code) => (report ? resolve(report) : reject(new Error(`heavy-day child exited (${code})`))));
  });
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

export async function heavyDay() {
  const report = await runInChild();
  const { requests, events, tracked } = report;
  // Wire bytes by event name: each request's body shared among its events by their JSON size (batches mix names).
  const byName = {};
  for (const request of requests) {
    const json = request.events.reduce((sum, e) => sum + e.json, 0);
    for (const e of request.events) {
      byName[e.name] ??= { events: 0, bytes: 0 };
      byName[e.name].bytes += json ? (request.bytes * e.json) / json : 0;
    }
  }
  const unique = new Map(events.filter((e) => e.uuid).map((e) => [e.uuid, e]));
  for (const e of unique.values()) {
    byName[e.name] ??= { events: 0, bytes: 0 };
    byName[e.name].events += 1;
  }
  const total = { events: unique.size, bytes: requests.reduce((sum, r) => sum + r.bytes, 0) };
  const decoded = requests.reduce((sum, r) => sum + r.decodedBytes, 0);
  const sum = (name, value) =>
    [...unique.values()].filter((e) => e.name === name).reduce((s, e) => s + value(e.properties), 0);
  const rowsOf = (p) => (Array.isArray(p.rows) ? p.rows : []);
  const apiCounted = sum('api_requests', (p) => rowsOf(p).reduce((s, row) => s + (row.count ?? 0), 0));
  const pagesCounted = sum('page_views', (p) => rowsOf(p).reduce((s, row) => s + (row.views ?? 0), 0));
  // Summed over exactly the catalog's counters (the totals brands_total / prompts_total are not actions).
  const { FEATURE_COUNTERS } = await import('@elmo/elmo-telemetry');
  const featuresCounted = sum('feature_usage', (p) => FEATURE_COUNTERS.reduce((s, key) => s + (p[key] ?? 0), 0));
  const checks = [];
  if (apiCounted !== tracked.apiRequests)
    checks.push(`api_requests rows count ${apiCounted} of ${tracked.apiRequests}`);
  if (featuresCounted !== tracked.features)
    checks.push(`feature_usage rows count ${featuresCounted} of ${tracked.features}`);
  if (pagesCounted !== tracked.pageViews)
    checks.push(`page_views rows count ${pagesCounted} of ${tracked.pageViews} page views`);
  if (byName.$pageview) checks.push(`${byName.$pageview.events} $pageview events were forwarded one by one`);
  const notAnswered = requests.filter((r) => r.outcome !== 'answered' || r.status !== 200).length;
  if (notAnswered) checks.push(`${notAnswered} requests not answered 200`);
  const table = Object.entries(byName)
    .sort((a, b) => b[1].events - a[1].events)
    .map(([name, v]) => `${name} ${v.events} (${((100 * v.events) / total.events).toFixed(0)}%, ≈ ${kb(v.bytes)})`)
    .join(', ');
  const pass = total.events <= BUDGET.events && total.bytes <= BUDGET.bytes && checks.length === 0;
  const worst = Object.entries(byName).sort((a, b) => b[1].events - a[1].events);
  const result = {
    name:
      'one simulated heavy day of a deployment (12,000 API requests, 1,200 feature actions, 720 page views, ' +
      '24 h of timers on a fake clock): events sent / bytes sent',
    budget: `≤ ${BUDGET.events} events, ≤ ${BUDGET.bytes / 1024} KB`,
    detail:
      `the real createDeploymentTelemetry (web) at its shipped intervals, its timers on a fake clock ` +
      `(lib/fake-clock.mjs: ${report.clock.fired.toLocaleString('en')} fake timer firings over ` +
      `${(report.fakeEnd / HOUR_MS).toFixed(2)} h, in ${(report.wallMs / 1000).toFixed(1)} s of wall time), ` +
      `real HTTP to an in-process loopback sink. Load (seed ${SEED}): ${API_REQUESTS.toLocaleString('en')} API ` +
      `requests over all ${new Set(ENDPOINTS.map((e) => e[0])).size} route templates (${ENDPOINTS.length} ` +
      `route/method pairs, ~4.5% 4xx/5xx), ${AUTOMATION_SHARE * 100}% of them around the clock and the rest ` +
      `08:00–20:00 with ${FEATURES.toLocaleString('en')} feature actions and ${PAGE_VIEWS} page views ` +
      `(pageView(), as /ingest counts them); started at 00:00, heartbeat at 24:00, shutdown(2000) right after. The sink ` +
      `received ${requests.length} requests: ${total.events} events, ${kb(total.bytes)} of bodies on the wire ` +
      `(gzip; ${kb(decoded)} decoded). By name (events, share, ≈ wire bytes shared by JSON size): ${table}. ` +
      `Accounted for: ${checks.length ? checks.join('; ') : `every API request (${apiCounted}), feature action (${featuresCounted}) and page view (${pagesCounted})`}; ` +
      `spool left ${report.status.spool.pending}, queue drops ${report.status.queue.dropped}.`,
    value: total,
    spread: [total, total],
    pass,
    format: (v) => `${v.events} events / ${kb(v.bytes)}`,
  };
  if (!pass) {
    const [top, second] = worst;
    result.explanation =
      (checks.length
        ? `Accounting failed (${checks.join('; ')}). `
        : 'Over budget by the design of the aggregation, not by a delivery fault (every count is accounted for). ') +
      `${top[0]} sends ${top[1].events} events (≈ ${kb(top[1].bytes)}) and ${second?.[0]} ${second?.[1].events} ` +
      `(≈ ${kb(second?.[1].bytes ?? 0)}). By design (packages/elmo-telemetry/src/deployment/deployment-telemetry.ts): ` +
      'feature_usage and provider_usage go every 10-minute usage interval that counted something (at most 144 a ' +
      'day), api_requests and page_views once an hour each (every HOURLY_EVERY-th usage send, at most 24 a day each, ' +
      'one rows list per event), lifecycle events once each (install, started, heartbeat, stopped). More than that ' +
      'means a send outside these timers (a consent change, a retry that resent an accepted batch) or a new event.';
  }
  return result;
}
