import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ManagedProcess, waitUntil } from '@elmo/test-support';
import { expect } from 'vitest';
import { runBrowserPhase, runChromiumPageViews } from './browser-phase.js';
import type { Cell, CellRun } from './cell.js';
import { recordDelivery } from './cli-cell.js';
import {
  normalizeLines,
  type StopResult,
  startDeploymentWeb,
  startDeploymentWorker,
  stopMeasured,
  TELEMETRY_NOISE,
  type TestDeployment,
} from './deployment.js';
import { type FaultMode, isPortFault } from './modes.js';
import { runServerPhase, type ServerPhase, settleServerPhase } from './server-phase.js';
import { type SwitchableSink, startSwitchableSink } from './switchable-sink.js';
import {
  audit,
  finalLines,
  inArrivalOrder,
  isCapture,
  type LogLine,
  readLog,
  requestEvents,
  sentUuids,
  timesSent,
} from './wire.js';

/** SPEC §7: flush with a 2 s deadline, then exit; the matrix allows 3 s from SIGTERM to exit. */
export const SHUTDOWN_BUDGET_MS = 3000;

/** State shared by the cells of one run: the deployment folder (one PGlite data folder) and healthy output. */
export interface DeploymentMatrixContext {
  deployment: TestDeployment;
  /** Normalized output lines of the healthy cell, the baseline of "output unchanged". */
  healthyOutput?: { web: string[]; worker: string[] };
}

/** The three cells a deployment run fills. */
export interface DeploymentCells {
  web: Cell;
  worker: Cell;
  browser: Cell;
}

/**
 * One column of the web, worker and browser rows: a web + worker pair started against misbehaving sinks (one
 * per process, so each sees its own fault), used, recovered, exercised through /ingest, then stopped with
 * SIGTERM while the fault is back on. What the stop could not deliver waits in the deployment's spool: the web
 * app is started once more against a healthy endpoint and sends it. Finally every event is reconciled with the
 * deployment's local log.
 */
export async function runDeploymentCell(
  cells: DeploymentCells,
  mode: FaultMode,
  context: DeploymentMatrixContext,
  run: CellRun,
): Promise<void> {
  const { deployment } = context;
  run.step('starting the sinks');
  const sinks = { web: await startSwitchableSink(mode.sinkMode), worker: await startSwitchableSink(mode.sinkMode) };
  const known = new Set(readLog(deployment.logFile).map((line) => line.uuid));
  // This cell's processes, for its `finally` (a cell given up at its deadline is stopped by stopStartedProcesses).
  const started = new Set<ManagedProcess>();
  const own = <P extends ManagedProcess>(process: P): P => {
    started.add(process);
    return process;
  };
  try {
    if (mode.id === 'refused' || mode.id === 'stop-in-outage')
      await Promise.all([sinks.web.down(), sinks.worker.down()]);
    run.step('starting the web app');
    const web = own(await startDeploymentWeb({ deployment, sinkUrl: sinks.web.url }));
    const webReadyAt = Date.now();
    run.signal.throwIfAborted();
    const worker = own(startDeploymentWorker({ deployment, sinkUrl: sinks.worker.url, webUrl: web.url }));
    const alive = trackExit(web, worker);

    run.step('the running phase: using the web app while the endpoint fails');
    const phase = await runServerPhase(mode, sinks, web.url, { webReadyAt, workerStartedAt: Date.now() });
    cells.web.check('API answers unchanged while the endpoint fails', () =>
      expect(phase.api).toEqual([201, 201, 200, 200]),
    );
    recordFaultSeen(cells, mode, phase);
    if (mode.id === 'stop-in-outage') {
      cells.web.check('nothing reached the closed ports while the deployment ran', () =>
        expect(inArrivalOrder(sinks.web.requests(), sinks.worker.requests())).toEqual([]),
      );
    } else {
      run.step("waiting for the running phase's events at the sinks");
      await cells.web.checkAsync('running-phase events reached the sinks', () => settleServerPhase(mode, sinks));
    }

    const webHandle = { url: web.url, alive: () => alive.web };
    run.step('the browser phase: /ingest while the endpoint fails');
    const checkPageViewsLater = await runBrowserPhase(
      cells.browser,
      mode,
      sinks.web,
      webHandle,
      deployment.deploymentId,
    );
    run.step('page views from Chromium');
    if (mode.id === 'healthy') await runChromiumPageViews(cells.browser, sinks.web, web.url, deployment.deploymentId);

    for (const [cell, up] of [
      [cells.web, alive.web],
      [cells.worker, alive.worker],
    ] as const) {
      cell.check('the process is still running before SIGTERM', () => expect(up).toBe(true));
    }
    run.step('stopping web and worker with SIGTERM');
    await applyShutdownFault(mode, sinks);
    // One more request so the web app has usage counts to send at shutdown.
    await fetch(`${web.url}/api/brands`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    const sigtermAt = Date.now();
    const [webStop, workerStop] = await Promise.all([stopMeasured(web), stopMeasured(worker)]);

    for (const [name, cell, stop, process] of [
      ['web', cells.web, webStop, web],
      ['worker', cells.worker, workerStop, worker],
    ] as const) {
      checkShutdown(cell, stop, process.output(), context.healthyOutput?.[name]);
    }
    const stoppedWith = readLog(deployment.logFile).filter((line) => !known.has(line.uuid));
    run.step('restarting the web app against a recovered endpoint');
    await restartAfterRecovery(cells, context, sinks, stoppedWith, run);
    run.step('waiting for the page views kept at the stop');
    await checkPageViewsLater?.();
    run.step('reconciling the local log with the sinks');

    const entries = readLog(deployment.logFile).filter((line) => !known.has(line.uuid));
    for (const [name, cell] of [
      ['web', cells.web],
      ['worker', cells.worker],
    ] as const) {
      reconcile(cell, mode, name, sinks, entries, sigtermAt);
    }
    if (mode.id === 'healthy') {
      context.healthyOutput = { web: normalizeLines(web.output()), worker: normalizeLines(worker.output()) };
    }
  } finally {
    // Only this cell's processes: a cell given up at its deadline gets here later, while the next cell runs.
    for (const process of started) await process.stop('SIGKILL');
    await Promise.all([sinks.web.close(), sinks.worker.close()]);
  }
}

function trackExit(web: ManagedProcess, worker: ManagedProcess): { web: boolean; worker: boolean } {
  const alive = { web: true, worker: true };
  void web.exited.then(() => {
    alive.web = false;
  });
  void worker.exited.then(() => {
    alive.worker = false;
  });
  return alive;
}

function recordFaultSeen(cells: DeploymentCells, mode: FaultMode, phase: ServerPhase) {
  if (mode.faulted) {
    cells.web.check('the web app met the fault', () => expect(phase.faultSeen.web).toBe(true));
    if (mode.id === '413') {
      cells.worker.note('The worker sends one event per batch, which a size-conditional 413 lets through.');
    } else {
      cells.worker.check('the worker met the fault', () => expect(phase.faultSeen.worker).toBe(true));
    }
  }
  if (mode.id === 'refused') {
    cells.web.note('The port refuses until 0.8 s after start, inside the retry window of the first batch.');
  }
  if (mode.id === 'down-up') {
    cells.worker.note('The worker sends nothing between start and stop: the outage hits its idle connection.');
  }
}

// Back to the fault for the shutdown: a refused port stays closed, a served fault is served again. After
// "down, then up" the sink stays up: that row checks that stale connections do not lose the last events.
async function applyShutdownFault(mode: FaultMode, sinks: { web: SwitchableSink; worker: SwitchableSink }) {
  if (isPortFault(mode) && mode.id !== 'down-up') await Promise.all([sinks.web.down(), sinks.worker.down()]);
  else if (mode.id !== 'down-up') for (const sink of Object.values(sinks)) sink.setMode(mode.sinkMode ?? 'healthy');
}

/**
 * SPEC §7: what the shutdown deadline could not deliver waits in the deployment's spool and is sent after the
 * next start. With anything spooled, the endpoint recovers and the web app starts once more (it claims the
 * events of both processes and sends them to its own sink), then stops again.
 */
async function restartAfterRecovery(
  cells: DeploymentCells,
  context: DeploymentMatrixContext,
  sinks: { web: SwitchableSink; worker: SwitchableSink },
  stoppedWith: readonly LogLine[],
  run: CellRun,
): Promise<void> {
  const spoolFile = join(context.deployment.dir, 'data', 'telemetry-spool.jsonl');
  const kept = finalLines(stoppedWith).filter((line) => line.status === 'queued');
  cells.web.metric('kept at stop, sent after restart', kept.length);
  if (kept.length === 0 && !existsSync(spoolFile)) return;
  for (const sink of Object.values(sinks)) sink.setMode('healthy');
  await Promise.all([sinks.web.up(), sinks.worker.up()]);
  run.signal.throwIfAborted();
  const web = await startDeploymentWeb({ deployment: context.deployment, sinkUrl: sinks.web.url });
  try {
    await cells.web.checkAsync('after a restart, every event kept at the stop arrived', () =>
      waitUntil(
        () => {
          const accepted = audit(inArrivalOrder(sinks.web.requests(), sinks.worker.requests())).accepted;
          return kept.every((line) => accepted.has(line.uuid));
        },
        `${kept.length} kept events`,
        15_000,
      ),
    );
    cells.web.check('the spool is empty after the restart', () => expect(existsSync(spoolFile)).toBe(false));
  } finally {
    await stopMeasured(web);
  }
}

function checkShutdown(cell: Cell, stop: StopResult, output: string, healthy: string[] | undefined): void {
  cell.metric('shutdown ms', stop.ms);
  cell.check('exits 0 on SIGTERM', () =>
    expect({ code: stop.code, signal: stop.signal }).toEqual({ code: 0, signal: null }),
  );
  cell.check(`exits within ${SHUTDOWN_BUDGET_MS} ms of SIGTERM`, () =>
    expect(stop.ms).toBeLessThan(SHUTDOWN_BUDGET_MS),
  );
  cell.check('prints nothing about telemetry', () => expect(output).not.toMatch(TELEMETRY_NOISE));
  if (healthy) {
    cell.check('prints the same lines as with a healthy endpoint', () => {
      const extra = normalizeLines(output).filter((line) => !healthy.includes(line));
      expect(extra, extra.join(' | ')).toEqual([]);
    });
  }
}

/**
 * Every event the process tracked, as its local log finally tells (an event kept at the stop is logged "queued",
 * then "sent" after the restart), against what the sinks accepted by uuid: nothing lost unless the endpoint
 * refused it for good (400), nothing sent again after an answer said it was accepted, and every accepted event
 * logged as sent.
 */
function reconcile(
  cell: Cell,
  mode: FaultMode,
  source: 'web' | 'worker',
  sinks: { web: SwitchableSink; worker: SwitchableSink },
  entries: readonly LogLine[],
  sigtermAt: number,
): void {
  const requests = inArrivalOrder(sinks.web.requests(), sinks.worker.requests());
  const own = finalLines(entries.filter((line) => line.properties?.source === source));
  const ownUuids = new Set(own.map((line) => line.uuid));
  const delivery = audit(requests);
  const accepted = [...delivery.accepted].filter((uuid) => ownUuids.has(uuid));
  const tracked = own.map((line) => line.uuid);
  recordDelivery(cell, tracked, accepted, {
    resentAfterAnswer: delivery.resentAfterAnswer.filter((uuid) => ownUuids.has(uuid)),
    resentUnanswered: delivery.resentUnanswered.filter((uuid) => ownUuids.has(uuid)),
  });
  cell.check('nothing was sent again after an answer said it was accepted', () =>
    expect(delivery.resentAfterAnswer.filter((uuid) => ownUuids.has(uuid))).toEqual([]),
  );
  cell.check('every accepted event is logged as sent, every sent one was accepted', () => {
    const sent = own.filter((line) => line.status === 'sent').map((line) => line.uuid);
    expect([...accepted].sort()).toEqual([...sent].sort());
  });
  // SPEC §7: the local log records every event that was sent or would have been, also at shutdown.
  const onWire = requests
    .filter(isCapture)
    .flatMap((r) => requestEvents(r))
    .filter((e) => e.source === source)
    .map((e) => e.uuid);
  cell.check('every event put on the wire is in the local log', () => {
    expect([...new Set(onWire.filter((uuid) => !ownUuids.has(uuid)))]).toEqual([]);
  });
  const lost = own.filter((line) => line.status !== 'sent');
  if (mode.delivery === 'once') {
    cell.check('every event arrived: running phase, stop and restart (nothing lost)', () => {
      expect(own.length).toBeGreaterThan(0);
      expect(lost.map((l) => `${l.event}: ${l.status} (${l.reason})`)).toEqual([]);
    });
    cell.check('deployment_stopped of the faulted stop arrived', () => {
      const stopped = own.filter((l) => l.event === 'deployment_stopped' && Date.parse(l.time) >= sigtermAt);
      expect(stopped.length).toBeGreaterThan(0);
      expect(stopped.every((l) => delivery.accepted.has(l.uuid))).toBe(true);
    });
  } else {
    cell.check('refused batches were dropped, not retried; nothing else was lost', () => {
      expect(lost.length).toBeGreaterThan(0);
      const sent = sentUuids(requests);
      for (const line of lost) {
        expect(line.reason, line.event).toBe('refused by the endpoint');
        expect(timesSent(sent, line.uuid), line.event).toBe(1);
      }
    });
  }
}
