// `/ingest` page-view batch latency ÷ a plain `/api/health` round trip (budget ≤ 1.5).
//
// One `next start` server of the built app, started as web-latency.mjs starts its servers: its own temp ELMO_HOME
// (PGlite data) whose .env has a DEPLOYMENT_ID and points telemetry at the loopback sink (in its own process), an
// explicit environment (PATH, HOME, ELMO_HOME, a token: nothing of the bench's own), telemetry ON as shipped.
// One keep-alive connection carries both sides; batches alternate (ingest first in even rounds, health first in
// odd ones), each ratio is a round's ingest batch median ÷ its health batch median.
//
// The ingest request is what posthog-js sends from the app's pages (packages/telemetry-core/src/browser: its
// before_send keeps only the transport keys, the common properties and $pathname; compression is off): POST
// /ingest/e/ with a JSON array of `$pageview` events as `Content-Type: application/json`, with the headers a
// same-origin browser fetch carries (Origin, Sec-Fetch-*). Built here, not imported from the suites. Both sides
// send the same browser-like headers.
//
// A MISS is explained with a CPU profile: a second server runs under `--cpu-prof` (NODE_OPTIONS, nothing else
// added), takes PROFILED requests of each kind, and the explanation gives the inclusive time per request of the
// ingest path's frames against the health route's.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import {
  createDeployment,
  createTempDir,
  createToken,
  getFreePort,
  NEXT_BIN,
  seedDatabase,
  startProcess,
  startSinkProcess,
  startWeb,
  waitForHttp,
  webDir,
} from '@elmo/test-support';
import { median, ms, spread } from '../lib/stats.mjs';

const ROUNDS = 30;
const REQUESTS = 20;
const WARMUP_ROUNDS = 3;
/** Page views per body: a user clicking through pages within posthog-js's 3 s request-queue interval. */
const PAGE_VIEWS_PER_BATCH = 3;
const BUDGET = 1.5;
const POSTHOG_JS_VERSION = '1.449.2';
const PAGES = ['/', '/brands/[id]', '/reports/[id]', '/settings'];
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const PROFILED = 300;

/** A posthog-js `/e/` body: the events as they leave before_send (filterBrowserEvent), as JSON. */
function pageViewBody(deploymentId, n) {
  const events = Array.from({ length: PAGE_VIEWS_PER_BATCH }, (_, i) => ({
    uuid: randomUUID(),
    event: '$pageview',
    properties: {
      source: 'browser',
      product_version: '0.1.0',
      deployment_mode: 'local',
      token: 'phc_test',
      distinct_id: deploymentId,
      $lib: 'web',
      $lib_version: POSTHOG_JS_VERSION,
      $pathname: PAGES[(n + i) % PAGES.length],
      $process_person_profile: false,
      $geoip_disable: true,
    },
    timestamp: new Date().toISOString(),
  }));
  return Buffer.from(JSON.stringify(events));
}

function send(agent, base, method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = httpRequest(`${base}${path}`, { method, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
        resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8'), ms: elapsed });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function client(server, deploymentId) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  // What Chromium sends with a same-origin fetch() from the app's own page.
  const browser = {
    accept: '*/*',
    'user-agent': USER_AGENT,
    origin: server.url,
    referer: `${server.url}/`,
    'sec-fetch-site': 'same-origin',
    'sec-fetch-mode': 'cors',
    'sec-fetch-dest': 'empty',
  };
  let sent = 0;
  const ingest = async () => {
    const body = pageViewBody(deploymentId, sent);
    const headers = { ...browser, 'content-type': 'application/json', 'content-length': body.length };
    const answer = await send(agent, server.url, 'POST', '/ingest/e/', headers, body);
    if (answer.status !== 200) throw new Error(`POST /ingest/e/: ${answer.status} ${answer.text}`);
    sent += PAGE_VIEWS_PER_BATCH;
    return answer.ms;
  };
  const health = async () => {
    const { origin: _origin, ...headers } = browser;
    const answer = await send(agent, server.url, 'GET', '/api/health', headers);
    if (answer.status !== 200) throw new Error(`GET /api/health: ${answer.status} ${answer.text}`);
    return answer.ms;
  };
  const batch = async (call) => {
    const times = [];
    for (let i = 0; i < REQUESTS; i += 1) times.push(await call());
    return median(times);
  };
  return {
    ingest,
    health,
    ingestBatch: () => batch(ingest),
    healthBatch: () => batch(health),
    pageViewsSent: () => sent,
    close: () => agent.destroy(),
  };
}

function userHomeOf(deployment) {
  const userHome = join(deployment.dir, 'user-home');
  mkdirSync(userHome, { recursive: true });
  return userHome;
}

async function startServer(deployment) {
  // Exactly PATH, HOME, ELMO_HOME, a token: nothing of the bench's own environment.
  const userHome = userHomeOf(deployment);
  return startWeb({ home: deployment.dir, userHome, token: createToken(), inheritEnv: false, env: {} });
}

/**
 * The same server under `node --cpu-prof` (Node refuses it in NODE_OPTIONS, and startWeb takes no Node flags):
 * startWeb's steps with the environment it builds for `inheritEnv: false`, plus the two profile flags.
 */
async function startProfiledServer(deployment, profileDir) {
  const userHome = userHomeOf(deployment);
  seedDatabase(join(deployment.dir, 'data'));
  const port = await getFreePort();
  const args = ['--cpu-prof', '--cpu-prof-dir', profileDir, NEXT_BIN, 'start', webDir, '-H', '127.0.0.1', '-p'];
  const server = startProcess(process.execPath, [...args, String(port)], {
    cwd: webDir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: userHome,
      NEXT_TELEMETRY_DISABLED: '1',
      NEXT_MANUAL_SIG_HANDLE: '1',
      ELMO_HOME: deployment.dir,
      ELMO_INTERNAL_TOKEN: createToken(),
    },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/api/health`, { process: server, timeoutMs: 60_000 });
  } catch (error) {
    await server.stop('SIGKILL');
    throw error;
  }
  return { ...server, url, port };
}

// Where a sample's self time is counted: the first bucket whose test matches its frame (function name, script).
// Production Next bundles the app and the telemetry packages into minified .next/server chunks, so time is told
// apart by where the code lives rather than by function name.
const BUCKETS = [
  ['garbage collection', (name) => name === '(garbage collector)'],
  ['idle', (name) => name === '(idle)' || name === '(program)'],
  ['zlib (gzip to the sink)', (_name, url) => url.includes('zlib')],
  ['undici (Request/Response objects, fetch to the sink)', (_name, url) => url.includes('undici')],
  ['posthog-node (the sender)', (_name, url) => url.includes('posthog')],
  ['app and telemetry code (.next/server chunks)', (_name, url) => url.includes('/.next/server/')],
  ['Next.js (routing, request and response)', (_name, url) => url.includes('/node_modules/next/')],
  ['native (socket and file writes, microtask runs)', (_name, url) => url === ''],
  [
    'web streams (request and response bodies)',
    (_name, url) => url.includes('/webstreams/') || url.includes('js_transferable'),
  ],
  ['other Node internals', (_name, url) => url.startsWith('node:')],
  ['other', () => true],
];

/** Self time (ms) per bucket of the samples of `profile` taken within [from, to] (monotonic µs, as V8's). */
function bucketTimes(profile, from, to) {
  const bucketOf = new Map();
  for (const node of profile.nodes) {
    const { functionName, url } = node.callFrame;
    bucketOf.set(node.id, BUCKETS.find(([, test]) => test(functionName, url))[0]);
  }
  const totals = Object.fromEntries(BUCKETS.map(([label]) => [label, 0]));
  let at = profile.startTime;
  profile.samples.forEach((sample, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < from || at > to) return;
    totals[bucketOf.get(sample)] += (profile.timeDeltas[i + 1] ?? 0) / 1000;
  });
  return totals;
}

const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Profiles a second server taking PROFILED health requests, then PROFILED ingest requests (both warmed up first);
 * the samples of each phase are told apart by time (the profile's clock is the monotonic clock hrtime reads).
 * Returns the explanation: CPU time per request of each kind, by where it was spent.
 */
async function explain(sink, gapMs) {
  const deployment = createDeployment({ sinkUrl: sink.url, prefix: 'elmo-bench-ingest-prof-' });
  const temp = createTempDir('elmo-bench-ingest-cpu-');
  let server;
  let c;
  try {
    server = await startProfiledServer(deployment, temp.path);
    c = client(server, deployment.deploymentId);
    for (let i = 0; i < 50; i += 1) {
      await c.ingest();
      await c.health();
    }
    const phases = {};
    const times = { ingest: [], health: [] };
    for (const side of ['health', 'ingest']) {
      const from = monotonicMicros();
      for (let i = 0; i < PROFILED; i += 1) times[side].push(await c[side]());
      phases[side] = [from, monotonicMicros()];
    }
    c.close();
    await server.stop('SIGTERM', 15_000);
    server = undefined;
    // next start may leave more than one process behind; the server's own profile is the largest.
    const files = readdirSync(temp.path).filter((name) => name.endsWith('.cpuprofile'));
    if (files.length === 0) return 'No CPU profile was written by the profiled server.';
    const file = files.map((name) => join(temp.path, name)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    const per = Object.fromEntries(
      Object.entries(phases).map(([side, [from, to]]) => [
        side,
        Object.fromEntries(
          Object.entries(bucketTimes(profile, from, to)).map(([label, total]) => [label, total / PROFILED]),
        ),
      ]),
    );
    const busy = (side) => Object.entries(per[side]).reduce((sum, [label, v]) => sum + (label === 'idle' ? 0 : v), 0);
    const us = (v) => `${Math.round(v * 1000)} µs`;
    const rows = BUCKETS.map(([label]) => label)
      .filter((label) => label !== 'idle')
      .map((label) => ({ label, ingest: per.ingest[label], health: per.health[label] }))
      .sort((a, b) => b.ingest - b.health - (a.ingest - a.health))
      .filter((row) => row.ingest + row.health >= 0.005)
      .map((row) => `${row.label} ${us(row.ingest)} against ${us(row.health)}`);
    const ingestOnly = ['posthog-node (the sender)', 'zlib (gzip to the sink)'].reduce(
      (sum, label) => sum + per.ingest[label] - per.health[label],
      0,
    );
    return (
      `CPU profile of a second server (node --cpu-prof, otherwise the same) taking ${PROFILED} GET /api/health, ` +
      `then ${PROFILED} POST /ingest/e/ (median ${ms(median(times.health))} and ${ms(median(times.ingest))} ` +
      `there). Non-idle samples per request (everything the process did in the phase, background work such as ` +
      `local-log writes included): ingest ${us(busy('ingest'))}, health ${us(busy('health'))}; by where, largest ` +
      `difference first (per ingest request against per health request; page views are only counted, so no ` +
      `batch is sent to the sink for them): ${rows.join('; ')}. Work only the ingest path does ` +
      `(posthog-node and zlib: the gunzip of the body) comes to ${us(ingestOnly)} per request against a gap of ${ms(gapMs)} between the ` +
      `medians of the timed run${
        ingestOnly < gapMs / 2
          ? ': most of the gap is not CPU the profile can put on the ingest path but time waiting between ' +
            'event-loop turns (reading the request body, decoding it) on cores shared with other work, which is ' +
            'also why the per-round ratios spread so widely.'
          : ': the decoding work on the ingest path (the gunzip and JSON parse of the body) is the cause.'
      }`
    );
  } finally {
    c?.close();
    await server?.stop('SIGTERM', 15_000);
    temp.remove();
    deployment.remove();
  }
}

export async function ingestLatency() {
  const sink = await startSinkProcess();
  const deployment = createDeployment({ sinkUrl: sink.url, prefix: 'elmo-bench-ingest-' });
  let server;
  let c;
  try {
    server = await startServer(deployment);
    c = client(server, deployment.deploymentId);
    const panel = await fetch(`${server.url}/api/settings/telemetry`).then((r) => r.json());
    if (!panel.enabled) throw new Error(`telemetry should be on: ${JSON.stringify(panel)}`);
    for (let i = 0; i < WARMUP_ROUNDS; i += 1) {
      await c.ingestBatch();
      await c.healthBatch();
    }
    const ingest = [];
    const health = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      if (round % 2 === 0) {
        ingest.push(await c.ingestBatch());
        health.push(await c.healthBatch());
      } else {
        health.push(await c.healthBatch());
        ingest.push(await c.ingestBatch());
      }
    }
    const ratios = ingest.map((value, i) => value / health[i]);
    c.close();
    await server.stop('SIGTERM', 15_000);
    server = undefined;
    // Every page view posted must have been counted: /ingest forwards none, the hourly page_views (sent at the
    // latest at shutdown) carries them as rows by page template.
    const events = (await sink.events()).filter((e) => e.distinctId === deployment.deploymentId);
    const pageViews = events
      .filter((e) => e.event === 'page_views')
      .flatMap((e) => (Array.isArray(e.properties.rows) ? e.properties.rows : []))
      .reduce((sum, row) => sum + (row.views ?? 0), 0);
    const forwarded = events.filter((e) => e.event === '$pageview').length;
    const posted = c.pageViewsSent();
    const describe = (values) => `${ms(median(values))} (${ms(spread(values)[0])} – ${ms(spread(values)[1])})`;
    const value = median(ratios);
    const result = {
      name: '`/ingest` page-view batch latency ÷ a plain `/api/health` round trip',
      budget: `≤ ${BUDGET}`,
      detail:
        `POST /ingest/e/ (posthog-js's body: ${PAGE_VIEWS_PER_BATCH} $pageview events, JSON, application/json, ` +
        `same-origin browser headers) ${describe(ingest)} against GET /api/health ${describe(health)}: medians ` +
        `(min – max) of batch medians over ${ROUNDS} rounds of ${REQUESTS} requests per side (one keep-alive ` +
        `connection, the side going first alternating), after ${WARMUP_ROUNDS} warm-up rounds; one built \`next ` +
        'start` server, telemetry on, sending to the loopback sink in its own process. The page_views rows the ' +
        `sink received count ${pageViews} of the ${posted} page views posted${pageViews === posted ? '' : ' (NOT all of them)'}` +
        `; ${forwarded} were forwarded one by one (must be none).`,
      value,
      spread: spread(ratios),
      pass: value <= BUDGET && pageViews === posted && forwarded === 0,
      format: (v) => v.toFixed(2),
    };
    if (!result.pass) {
      process.stderr.write(`  (miss at ${result.format(value)}: profiling a second server for the explanation)\n`);
      result.explanation = await explain(sink, median(ingest) - median(health));
    }
    return result;
  } finally {
    c?.close();
    await server?.stop('SIGTERM', 15_000);
    deployment.remove();
    await sink.stop();
  }
}
