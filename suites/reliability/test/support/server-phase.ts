import { waitUntil } from '@elmo/test-support';
import { type FaultMode, LONG_OUTAGE_MS } from './modes.js';

/** How long the deployment runs with its ports closed before it is stopped in the stop-in-outage column. */
const STOP_IN_OUTAGE_RUN_MS = 2500;

import type { SwitchableSink } from './switchable-sink.js';
import { isCapture, sleep } from './wire.js';

// The running phase of a deployment cell: the sinks misbehave from the start, the web app is used, and the
// fault clears the way it would in life (the endpoint recovers) while the processes keep running. Web and worker
// keep what failed in their bounded queue and try again at later flushes with backoff, so the fault may outlast
// every retry window (the long-outage column); stopped in an outage, they spool it for the next start.

/** What the running phase observed. */
export interface ServerPhase {
  /** Status of each API call made while the fault lasted. */
  api: number[];
  /** Whether each sink saw a capture request that met the fault (for faults the sink can observe). */
  faultSeen: { web: boolean; worker: boolean };
  /** When each sink came back (refused, down-up). */
  upAt: { web?: number; worker?: number };
}

/** Creates a brand and a prompt, edits and reads them: what feature_usage and api_requests count. */
export async function useWebApp(webUrl: string): Promise<number[]> {
  const statuses: number[] = [];
  const call = async (path: string, method: string, body?: unknown) => {
    const response = await fetch(`${webUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    statuses.push(response.status);
    return (await response.json().catch(() => ({}))) as Record<string, { id: string }>;
  };
  const { brand } = await call('/api/brands', 'POST', { name: 'Fault Matrix Coffee' });
  const { prompt } = await call(`/api/brands/${brand?.id}/prompts`, 'POST', { text: 'Which beans are best?' });
  await call(`/api/prompts/${prompt?.id}`, 'PATCH', { text: 'Which beans are best for espresso?' });
  await call(`/api/brands/${brand?.id}`, 'GET');
  return statuses;
}

const fromSource = (sink: SwitchableSink, source: string, event: string) =>
  sink.events().some((e) => e.event === event && e.properties.source === source);

async function flipWhenFaulted(
  sink: SwitchableSink,
  mode: FaultMode,
  keepMode: boolean,
  webUrl: string,
): Promise<boolean> {
  const faulted = mode.faulted;
  if (!faulted) return false;
  try {
    await waitUntil(() => sink.requests().some((r) => isCapture(r) && faulted(r)), 'a faulted request', 10_000, 5);
  } catch {
    return false;
  }
  // The endpoint recovers right after the first failure (the host's next retry must get through), or, in the
  // long outage, only after several rounds of retries and backoff while the deployment keeps being used.
  if (mode.id === 'long-outage') {
    // The deployment is used during the outage too, so new events queue up behind the failed ones.
    await sleep(LONG_OUTAGE_MS / 2);
    await fetch(`${webUrl}/api/brands`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    await sleep(LONG_OUTAGE_MS / 2);
  }
  if (!keepMode) sink.setMode('healthy');
  return true;
}

/**
 * Runs the fault program of `mode` against the running web app and worker and resolves once the fault has
 * cleared. `webReadyAt` / `workerStartedAt` time the return of a refused port inside the retry window.
 */
export async function runServerPhase(
  mode: FaultMode,
  sinks: { web: SwitchableSink; worker: SwitchableSink },
  webUrl: string,
  times: { webReadyAt: number; workerStartedAt: number },
): Promise<ServerPhase> {
  const upAt: ServerPhase['upAt'] = {};
  if (mode.id === 'refused') {
    // The first attempt fails on the closed port about 200 ms after start; the last retry comes at least
    // 1.1 s after it, so a port back at +0.8 s / +1 s is met by a retry.
    const webUp = sleep(Math.max(0, times.webReadyAt + 800 - Date.now())).then(() => sinks.web.up());
    const workerUp = sleep(Math.max(0, times.workerStartedAt + 1000 - Date.now())).then(() => sinks.worker.up());
    const api = await useWebApp(webUrl);
    upAt.web = await webUp;
    upAt.worker = await workerUp;
    return { api, faultSeen: { web: false, worker: false }, upAt };
  }
  if (mode.id === 'stop-in-outage') {
    // The ports stay closed until after the stop; the restart after recovery delivers. Both processes run
    // through a few failed flushes first (the worker is ready and has tracked its start).
    const api = await useWebApp(webUrl);
    await sleep(STOP_IN_OUTAGE_RUN_MS);
    return { api, faultSeen: { web: false, worker: false }, upAt };
  }
  if (mode.id === 'down-up') {
    // Both processes have delivered their start event (so they hold live connections) before the outage.
    await waitUntil(
      () =>
        fromSource(sinks.web, 'web', 'deployment_started') && fromSource(sinks.worker, 'worker', 'deployment_started'),
      'deployment_started from web and worker',
      15_000,
    );
    await Promise.all([sinks.web.down(), sinks.worker.down()]);
    const downAt = Date.now();
    const api = await useWebApp(webUrl);
    await sleep(Math.max(0, downAt + 700 - Date.now()));
    upAt.web = await sinks.web.up();
    upAt.worker = await sinks.worker.up();
    return { api, faultSeen: { web: false, worker: false }, upAt };
  }
  // 413 stays on: posthog-node halves the batch, which is the recovery being tested.
  const keep = mode.id === '413';
  const webFaulted = flipWhenFaulted(sinks.web, mode, keep, webUrl);
  const [api, web, worker] = await Promise.all([
    useWebApp(webUrl),
    webFaulted,
    // The worker only ever sends batches of one event, which a size-conditional 413 lets through.
    mode.id === '413' ? Promise.resolve(false) : flipWhenFaulted(sinks.worker, mode, keep, webUrl),
    // A batch of more than one event is an hourly send (api_requests) that also carries feature_usage, so the
    // app is kept in use until the fault is met: every usage interval then has a feature count to send.
    mode.id === '413' ? keepUsingUntil(webUrl, webFaulted) : undefined,
  ]);
  return { api, faultSeen: { web, worker }, upAt };
}

async function keepUsingUntil(webUrl: string, done: Promise<boolean>): Promise<void> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  while (!finished) {
    await fetch(`${webUrl}/api/brands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Fault Matrix Tea' }),
      signal: AbortSignal.timeout(10_000),
    }).catch(() => undefined);
    await sleep(200);
  }
}

/** Waits until the running phase's events reached the sinks: web start + usage, worker start. */
export async function settleServerPhase(mode: FaultMode, sinks: { web: SwitchableSink; worker: SwitchableSink }) {
  const usage = () =>
    sinks.web.events().some((e) => e.event === 'feature_usage' && Number(e.properties.brands_created ?? 0) >= 1);
  // A 400 drops the first batch of each process for good: only what came after it can arrive.
  const started = mode.delivery === 'once';
  await waitUntil(
    () =>
      usage() &&
      (!started ||
        (fromSource(sinks.web, 'web', 'deployment_started') &&
          fromSource(sinks.worker, 'worker', 'deployment_started'))),
    'the running phase events (web start and usage, worker start)',
    15_000,
  );
}
