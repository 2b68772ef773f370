import type { ReceivedEvent } from '@elmo/posthog-sink';
import { waitUntil } from '@elmo/test-support';
import { expect } from 'vitest';
import type { Cell } from './cell.js';
import { startDeploymentWorker, stopMeasured, type TestDeployment } from './deployment.js';
import type { SwitchableSink } from './switchable-sink.js';
import { sleep } from './wire.js';

// The running web app and worker read the deployment `.env` live (SPEC §3: a change applies within 5 s).
// These helpers change it under a running web app and check what telemetry then does.

/** SPEC §3: a consent change applies in a running deployment within 5 seconds. */
export const LIVE_CONSENT_MS = 5000;

/** The settings API's view of consent. */
export async function readConsent(webUrl: string): Promise<{ enabled: boolean; source: string; reason: string }> {
  const response = await fetch(`${webUrl}/api/settings/telemetry`, { signal: AbortSignal.timeout(5000) });
  return (await response.json()) as { enabled: boolean; source: string; reason: string };
}

/** Waits until the web app reports `enabled`; returns how long that took. */
export async function waitForConsent(webUrl: string, enabled: boolean): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < LIVE_CONSENT_MS + 2000) {
    if ((await readConsent(webUrl)).enabled === enabled) break;
    await sleep(100);
  }
  return Date.now() - started;
}

/** Creates a brand (a counted feature); reports the status and what the sink received meanwhile. */
export async function useAndWatch(
  webUrl: string,
  sink: SwitchableSink,
  name: string,
): Promise<{ status: number; requests: number; events: ReceivedEvent[] }> {
  // Anything already on its way settles first, so what is counted below belongs to this use alone.
  await sleep(700);
  const before = { requests: sink.requests().length, events: sink.events().length };
  const response = await fetch(`${webUrl}/api/brands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  await response.text();
  await sleep(1500);
  return {
    status: response.status,
    requests: sink.requests().length - before.requests,
    events: sink.events().slice(before.events),
  };
}

/** Starts a worker against the web app, lets it become ready, stops it; reports its exit and the sink's requests. */
export async function workerRound(
  deployment: TestDeployment,
  sink: SwitchableSink,
  webUrl: string,
): Promise<{ code: number | null; ms: number; requests: number; output: string }> {
  const before = sink.requests().length;
  const worker = startDeploymentWorker({ deployment, sinkUrl: sink.url, webUrl });
  try {
    await waitUntil(() => worker.output().includes('taking report jobs'), 'the worker to start', 10_000);
    // Ready after its first claim; a start event would be flushed 200 ms later.
    await sleep(1200);
    const stop = await stopMeasured(worker);
    await sleep(300);
    return { code: stop.code, ms: stop.ms, requests: sink.requests().length - before, output: worker.output() };
  } finally {
    await worker.stop('SIGKILL');
  }
}

/** The checks of a deployment `.env` that cannot be read: web keeps serving, telemetry stops within 5 s. */
export async function checkUnreadableEnv(
  cells: { web: Cell; worker: Cell },
  context: { webUrl: string; sink: SwitchableSink; workerSink: SwitchableSink; deployment: TestDeployment },
): Promise<void> {
  const { web, worker } = cells;
  const ms = await waitForConsent(context.webUrl, false);
  web.metric('consent off after ms', ms);
  const consent = await readConsent(context.webUrl);
  web.check(`telemetry is off within ${LIVE_CONSENT_MS} ms and the reason names the .env`, () => {
    expect(ms).toBeLessThan(LIVE_CONSENT_MS);
    expect(consent.enabled).toBe(false);
    expect(consent.reason).toContain(context.deployment.envFile);
  });
  const use = await useAndWatch(context.webUrl, context.sink, 'Unreadable env');
  web.check('the API keeps working (201)', () => expect(use.status).toBe(201));
  web.check('nothing is sent', () => expect(use.requests).toBe(0));
  const round = await workerRound(context.deployment, context.workerSink, context.webUrl);
  worker.check('the worker starts, stops with 0, and sends nothing', () => {
    expect(round.code).toBe(0);
    expect(round.requests).toBe(0);
  });
}
