// A 10-minute PostHog outage under load, then recovery: events lost (budget 0).
//
// Deployment time is compressed 60×: every interval of the deployment telemetry is divided by SCALE (flush 30 s →
// 500 ms, usage 10 min → 10 s, heartbeat 24 h → 24 min, consent poll 1 s → 17 ms, retry backoff 1 s → 17 ms), so
// 1 s of wall time is 1 min of deployment time. What cannot be configured stays real time and is therefore 60×
// harsher than in production: posthog-node's request timeout (5 s), the sender's own retries (500 ms, 1 s), the
// shutdown deadline (2 s).
//
// The deployment's web telemetry (createDeploymentTelemetry, as apps/web wires it: reportVersion(), started(),
// shutdown(2000)) runs in a child process of this file with an empty environment (no DO_NOT_TRACK, CI or
// NODE_OPTIONS of the bench's own), its deployment folder's `.env` holding a random DEPLOYMENT_ID and the loopback
// sink. Load, per deployment minute: 120 apiRequest() samples over every API route template (with some 4xx and
// 5xx), 12 featureUsed() calls, 10 pageView() calls (what /ingest does with each page view) and one heartbeat
// tracked directly (a stand-in for lifecycle events, 1,440× their real rate). api_requests and page_views go
// hourly (every 6th usage send, 60 s of wall time here), so in this run they leave with each shutdown.
//
// Timeline (deployment minutes): 3 healthy, then the 10-minute outage: 5 answered 503, then 5 of a second kind
// (one row each: the port refusing connections, i.e. the sink closed and started again on the same port, or
// a blackhole that records complete bodies and never answers), then 8 healthy, then shutdown with its 2 s
// deadline; then a restart (a new process, which claims the shutdown spool if anything was left there) runs
// 2 minutes and shuts down too.
//
// Measured: every uuid the local transparency log of the deployment ever recorded (both generations), against the
// uuids the sink accepted (auditDelivery). Lost = logged but never accepted; as a cross-check that does not trust
// the log, the accepted events are counted by name against what the child tracked, and the accepted feature_usage
// counts and the rows of api_requests and page_views are summed against every featureUsed(), apiRequest() and
// pageView() call. A resend after a 2xx answer
// is a defect too (must be none); a resend after an answer that never came is how nothing gets lost, and is
// reported.
//
// Events a shutdown left in the spool are not accepted at the end of the run, so they count as lost here (the row
// is strict: the run ends after the restart). To tell them apart from events that are gone, a third start that
// only claims the spool (no load) runs afterwards, and the explanation of a miss says how many it delivered.
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FEATURE_COUNTERS } from '@elmo/elmo-telemetry';
import { auditDelivery, startSink } from '@elmo/posthog-sink';
import { createDeployment } from '@elmo/test-support';

const SCALE = 60;
const MINUTE_MS = 60_000 / SCALE;
const INTERVALS = {
  flushMs: 30_000 / SCALE,
  usageMs: (10 * 60_000) / SCALE,
  heartbeatMs: (24 * 60 * 60_000) / SCALE,
  consentPollMs: Math.round(1000 / SCALE),
  retryBackoffMs: Math.round(1000 / SCALE),
};
// Deployment minutes of each phase.
const HEALTHY_BEFORE = 3;
const OUTAGE = 10;
const RECOVERY = 8;
const RESTART = 2;
// Load per deployment minute.
const RATES = { apiRequests: 120, features: 12, pageViews: 10, heartbeats: 1 };
const TICK_MS = 50;
const CHILD_FLAG = '--outage-child';
const SHAPES = {
  refused: { label: '503 for 5 min, then connections refused for 5 min', mode: 'down' },
  hang: { label: '503 for 5 min, then never answering for 5 min', mode: 'hang' },
};
const SHOWN = 10;
// ---------------------------------------------------------------------------------------------- the child process

async function runChild(deploymentDir, claimOnly) {
  const { createDeploymentTelemetry } = await import('@elmo/elmo-telemetry/deployment');
  const { API_ROUTES, FEATURE_COUNTERS, PAGE_ROUTES } = await import('@elmo/elmo-telemetry');
  const deployment = createDeploymentTelemetry({
    component: 'web',
    deploymentDir,
    homedir: deploymentDir,
    env: {},
    productVersion: '0.1.0',
    intervals: INTERVALS,
    totals: async () => ({ brands_total: 12, prompts_total: 80 }),
  });
  const tracked = { apiRequests: 0, features: 0, pageViews: 0, heartbeats: 0 };
  const due = { apiRequests: 0, features: 0, pageViews: 0, heartbeats: 0 };
  const methods = ['GET', 'GET', 'GET', 'POST', 'PATCH', 'DELETE'];
  const statuses = [200, 200, 200, 200, 201, 204, 404, 422, 500];
  let peakQueued = 0;
  let peakFailedAttempts = 0;
  const started = Date.now();
  const load = {
    apiRequests: (i) =>
      deployment.apiRequest(
        API_ROUTES[i % API_ROUTES.length],
        methods[i % methods.length],
        statuses[(i * 7) % statuses.length],
        5 + ((i * 13) % 120),
      ),
    features: (i) => deployment.featureUsed(FEATURE_COUNTERS[i % FEATURE_COUNTERS.length]),
    pageViews: (i) => deployment.pageView(PAGE_ROUTES[i % PAGE_ROUTES.length]),
    heartbeats: () =>
      deployment.telemetry.track('heartbeat', {
        component: 'web',
        uptime_hours: ((Date.now() - started) * SCALE) / 3_600_000,
      }),
  };
  const tick = () => {
    for (const [kind, perMinute] of Object.entries(RATES)) {
      due[kind] += (perMinute * TICK_MS) / MINUTE_MS;
      while (due[kind] >= 1) {
        due[kind] -= 1;
        load[kind](tracked[kind]);
        tracked[kind] += 1;
      }
    }
    const status = deployment.telemetry.status();
    peakQueued = Math.max(peakQueued, status.queued);
    peakFailedAttempts = Math.max(peakFailedAttempts, status.failedAttempts);
  };

  // As apps/web's ready(): the version marker (install_complete on the first start), then deployment_started.
  deployment.reportVersion();
  deployment.started();
  const timer = setInterval(claimOnly ? () => {} : tick, TICK_MS);
  process.send({ type: 'ready' });
  process.on('message', async (message) => {
    if (message?.type !== 'stop') return;
    clearInterval(timer);
    const stopping = Date.now();
    await deployment.shutdown(2000);
    const shutdownMs = Date.now() - stopping;
    const own = deployment.telemetry.status();
    process.send(
      {
        type: 'report',
        tracked,
        peakQueued,
        capacity: own.capacity,
        peakFailedAttempts,
        shutdownMs,
        dropped: own.droppedByCapacity + own.refused,
        kept: own.kept,
        spoolPending: deployment.deliveryStatus().spool.pending,
      },
      () => process.exit(0),
    );
  });
}

if (process.argv[2] === CHILD_FLAG) await runChild(process.argv[3], process.argv[4] === 'claim-only');

// ----------------------------------------------------------------------------------------------------- the bench

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** One deployment process: resolves `ready` once started() ran; `stop()` shuts it down and resolves its report. */
function startChild(deploymentDir, claimOnly = false) {
  // An empty environment: none of the bench's own variables (DO_NOT_TRACK, CI, NODE_OPTIONS …) reach it.
  const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, deploymentDir, claimOnly ? 'claim-only' : 'load'], {
    env: {},
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let report;
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) =>
      report ? resolve(report) : reject(new Error(`deployment process exited (${code}) without a report`)),
    );
  });
  const ready = new Promise((resolve, reject) => {
    child.on('message', (message) => {
      if (message?.type === 'ready') resolve();
      if (message?.type === 'report') report = message;
    });
    exited.catch(reject);
  });
  return {
    ready,
    kill: () => child.exitCode === null && child.kill(),
    stop() {
      child.send({ type: 'stop' });
      return exited;
    },
  };
}

/** Every entry of the local log, both generations, oldest first. */
function readLog(logFile) {
  return [`${logFile}.1`, logFile]
    .filter((file) => existsSync(file))
    .flatMap((file) => readFileSync(file, 'utf8').split('\n'))
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function countBy(items, key) {
  const counts = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

async function runShape(shape) {
  let sink = await startSink();
  const { port } = sink;
  const requests = [];
  const events = [];
  // A closed sink's records are kept in arrival order, so the audit sees every request of the run.
  const retire = async () => {
    requests.push(...sink.requests);
    events.push(...sink.events);
    await sink.close();
  };
  const deployment = createDeployment({ sinkUrl: sink.url, prefix: 'elmo-bench-outage-' });
  const children = [];
  try {
    const first = startChild(deployment.dir);
    children.push(first);
    await first.ready;
    const t0 = performance.now();
    const at = (minutes) => sleep(t0 + minutes * MINUTE_MS - performance.now());
    await at(HEALTHY_BEFORE);
    sink.setMode('status:503');
    await at(HEALTHY_BEFORE + OUTAGE / 2);
    if (shape.mode === 'down') await retire();
    else sink.setMode('hang');
    await at(HEALTHY_BEFORE + OUTAGE);
    if (shape.mode === 'down') sink = await startSink({ port });
    else sink.setMode('healthy');
    await at(HEALTHY_BEFORE + OUTAGE + RECOVERY);
    const firstReport = await first.stop();
    const second = startChild(deployment.dir);
    children.push(second);
    await second.ready;
    await sleep(RESTART * MINUTE_MS);
    const secondReport = await second.stop();
    // The end of the run: what was accepted by now, and the log of both processes.
    const atEnd = { requests: [...requests, ...sink.requests], events: [...events, ...sink.events] };
    const log = readLog(deployment.logFile);
    const third = startChild(deployment.dir, true);
    children.push(third);
    await third.ready;
    await sleep(MINUTE_MS);
    const claimReport = await third.stop();
    await retire();
    const later = auditDelivery(requests).accepted;
    return analyse(shape, [firstReport, secondReport], atEnd.requests, atEnd.events, log, { later, claimReport });
  } finally {
    for (const child of children) child.kill();
    await sink.close();
    deployment.remove();
  }
}

function analyse(shape, reports, requests, events, log, claim) {
  const audit = auditDelivery(requests);
  // Each event's latest fate in the log, keyed by uuid.
  const fate = new Map();
  for (const entry of log) fate.set(entry.uuid, entry);
  const lost = [...fate.values()].filter((entry) => !audit.accepted.has(entry.uuid));
  // The cross-check: accepted events (each uuid once) against what the processes tracked.
  const unique = new Map();
  for (const event of events) if (event.uuid && !unique.has(event.uuid)) unique.set(event.uuid, event);
  const accepted = [...unique.values()];
  const byName = countBy(accepted, (e) => e.event);
  const sum = (name, value) =>
    accepted.filter((e) => e.event === name).reduce((total, e) => total + value(e.properties), 0);
  const tracked = (kind) => reports.reduce((total, r) => total + r.tracked[kind], 0);
  const expected = {
    install_complete: 1,
    deployment_started: reports.length,
    deployment_stopped: reports.length,
    heartbeat: tracked('heartbeats'),
  };
  const shortfalls = Object.entries(expected)
    .filter(([name, n]) => (byName[name] ?? 0) !== n)
    .map(([name, n]) => `${name}: ${byName[name] ?? 0} accepted of ${n} tracked`);
  const rowsSum = (column) => (p) =>
    (Array.isArray(p.rows) ? p.rows : []).reduce((total, row) => total + (row[column] ?? 0), 0);
  const apiCounted = sum('api_requests', rowsSum('count'));
  const pagesCounted = sum('page_views', rowsSum('views'));
  const featuresCounted = sum('feature_usage', (p) =>
    // Exactly the counters the catalog declares (the totals brands_total/prompts_total are not actions).
    FEATURE_COUNTERS.reduce((total, key) => total + (p[key] ?? 0), 0),
  );
  if (apiCounted !== tracked('apiRequests'))
    shortfalls.push(`api_requests rows count ${apiCounted} of ${tracked('apiRequests')} apiRequest() calls`);
  if (pagesCounted !== tracked('pageViews'))
    shortfalls.push(`page_views rows count ${pagesCounted} of ${tracked('pageViews')} pageView() calls`);
  if (byName.$pageview) shortfalls.push(`${byName.$pageview} $pageview events were forwarded one by one`);
  if (featuresCounted !== tracked('features'))
    shortfalls.push(`feature_usage rows count ${featuresCounted} of ${tracked('features')} featureUsed() calls`);
  const missingByName = Object.entries(expected).reduce(
    (total, [name, n]) => total + Math.max(0, n - (byName[name] ?? 0)),
    0,
  );
  const value = Math.max(lost.length, missingByName);
  const answers = countBy(
    requests.filter((r) => r.path.startsWith('/batch') || r.path.startsWith('/e') || r.path.startsWith('/capture')),
    (r) => (r.outcome === 'answered' ? String(r.status) : r.outcome),
  );
  const [run, restart] = reports;
  const pass = value === 0 && shortfalls.length === 0 && audit.resentAfterAnswer.length === 0;
  const fates = countBy(log, (e) => `${e.status}${e.reason ? ` (${e.reason})` : ''}`);
  const result = {
    name: `PostHog outage under load (${shape.label}), then recovery: events lost`,
    budget: '0',
    detail:
      `deployment time compressed ${SCALE}× (every interval ÷ ${SCALE}: flush ${INTERVALS.flushMs} ms, usage ` +
      `${INTERVALS.usageMs / 1000} s, retry backoff ${INTERVALS.retryBackoffMs} ms; request timeout, sender retries ` +
      `and the 2 s shutdown deadline stay real time); ${HEALTHY_BEFORE} min healthy, ${OUTAGE} min outage, ` +
      `${RECOVERY} min healthy, shutdown, a restart for ${RESTART} min. Load per minute: ${RATES.apiRequests} API ` +
      `requests, ${RATES.features} feature actions, ${RATES.pageViews} page views, ${RATES.heartbeats} heartbeat. ` +
      `${fate.size} events logged, ${audit.accepted.size} accepted by the sink; ` +
      `the accepted rows count ${apiCounted} of ${tracked('apiRequests')} API requests, ${pagesCounted} of ` +
      `${tracked('pageViews')} page views and ${featuresCounted} of ${tracked('features')} feature actions. Capture requests answered: ${JSON.stringify(answers)}. ` +
      `Resent after a 2xx answer: ${audit.resentAfterAnswer.length}; resent after an answer that never came ` +
      `(deduplicated by uuid): ${audit.resentUnanswered.length}. Peak queue ${run.peakQueued} of ` +
      `${run.capacity}, up to ${run.peakFailedAttempts} consecutive failed sends; queue drops and refusals ` +
      `${run.dropped + restart.dropped}; shutdown took ${run.shutdownMs} ms and left ${run.spoolPending} in the ` +
      `spool (${run.kept} kept), the restart's ${restart.shutdownMs} ms and ${restart.spoolPending}. Log fates: ` +
      `${JSON.stringify(fates)}.`,
    value,
    spread: [value, value],
    pass,
    format: (v) => `${v} events`,
  };
  if (!pass) {
    const shown = lost
      .slice(0, SHOWN)
      .map((e) => `${e.uuid} ${e.event} (${e.status}${e.reason ? `: ${e.reason}` : ''})`)
      .join('; ');
    const spooled = lost.filter((e) => e.status === 'queued' && e.reason === 'kept for the next start');
    const recovered = lost.filter((e) => claim.later.has(e.uuid));
    result.explanation =
      `Lost (logged, never accepted by the end of the run): ${lost.length}${lost.length ? ` — ${shown}${lost.length > SHOWN ? ' …' : ''}` : ''}. ` +
      `Of these, ${spooled.length} were kept in the spool at a shutdown with the sink healthy (the first process ` +
      `kept ${reports[0].kept} in ${reports[0].shutdownMs} ms, the restart ${reports[1].kept} in ` +
      `${reports[1].shutdownMs} ms, of a 2 s deadline), and a further start that only claims the spool ` +
      `delivered ${recovered.length} of them (it left ${claim.claimReport.spoolPending} in the spool). ` +
      `By name: ${shortfalls.join('; ') || 'every count matches'}. Resent after a 2xx answer: ` +
      `${audit.resentAfterAnswer.slice(0, SHOWN).join(', ') || 'none'}.`;
  }
  return result;
}

export async function outage() {
  const results = [];
  for (const shape of Object.values(SHAPES)) results.push(await runShape(shape));
  return results;
}
