import type { ManagedProcess } from '@elmo/test-support';
import { expect } from 'vitest';
import { runBrowserPhase, runChromiumPageViews } from './browser-phase.js';
import type { Cell } from './cell.js';
import {
  normalizeLines,
  type StopResult,
  startDeploymentWeb,
  startDeploymentWorker,
  stopMeasured,
  TELEMETRY_NOISE,
  type TestDeployment,
} from './deployment.js';
import type { FaultMode } from './modes.js';
import { runServerPhase, type ServerPhase, settleServerPhase } from './server-phase.js';
import { type SwitchableSink, startSwitchableSink } from './switchable-sink.js';
import { duplicateUuids, isCapture, type LogLine, readLog, requestEvents, sentUuids, timesSent } from './wire.js';

/** SPEC §7: flush with a 2 s deadline, then exit; the matrix allows 3 s from SIGTERM to exit. */
export const SHUTDOWN_BUDGET_MS = 3000;

/** State shared by the cells of one run: the deployment folder (one PGlite data folder) and healthy output. */
export interface DeploymentMatrixContext {
  deployment: TestDeployment;
  /** Processes to kill by PID if a cell ends early. */
  running: Set<ManagedProcess>;
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
 * SIGTERM while the fault is back on; finally every event is reconciled with the deployment's local log.
 */
export async function runDeploymentCell(
  cells: DeploymentCells,
  mode: FaultMode,
  context: DeploymentMatrixContext,
): Promise<void> {
  const { deployment } = context;
  const sinks = { web: await startSwitchableSink(mode.sinkMode), worker: await startSwitchableSink(mode.sinkMode) };
  const known = new Set(readLog(deployment.logFile).map((line) => line.uuid));
  try {
    if (mode.id === 'refused') await Promise.all([sinks.web.down(), sinks.worker.down()]);
    const web = await startDeploymentWeb({ deployment, sinkUrl: sinks.web.url });
    context.running.add(web);
    const webReadyAt = Date.now();
    const worker = startDeploymentWorker({ deployment, sinkUrl: sinks.worker.url, webUrl: web.url });
    context.running.add(worker);
    const alive = trackExit(web, worker);

    const phase = await runServerPhase(mode, sinks, web.url, { webReadyAt, workerStartedAt: Date.now() });
    cells.web.check('API answers unchanged while the endpoint fails', () =>
      expect(phase.api).toEqual([201, 201, 200, 200]),
    );
    recordFaultSeen(cells, mode, phase);
    await cells.web.checkAsync('running-phase events reached the sinks', () => settleServerPhase(mode, sinks));

    const webHandle = { url: web.url, alive: () => alive.web };
    await runBrowserPhase(cells.browser, mode, sinks.web, webHandle, deployment.deploymentId);
    if (mode.id === 'healthy') await runChromiumPageViews(cells.browser, sinks.web, web.url, deployment.deploymentId);

    for (const [cell, up] of [
      [cells.web, alive.web],
      [cells.worker, alive.worker],
    ] as const) {
      cell.check('the process is still running before SIGTERM', () => expect(up).toBe(true));
    }
    await applyShutdownFault(mode, sinks);
    // One more request so the web app has usage counts to send at shutdown.
    await fetch(`${web.url}/api/brands`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    const sigtermAt = Date.now();
    const [webStop, workerStop] = await Promise.all([stopMeasured(web), stopMeasured(worker)]);
    context.running.delete(web);
    context.running.delete(worker);

    const entries = readLog(deployment.logFile).filter((line) => !known.has(line.uuid));
    for (const [name, cell, stop, process, sink] of [
      ['web', cells.web, webStop, web, sinks.web],
      ['worker', cells.worker, workerStop, worker, sinks.worker],
    ] as const) {
      checkShutdown(cell, stop, process.output(), context.healthyOutput?.[name]);
      reconcile(cell, mode, name, sink, entries, sigtermAt);
    }
    if (mode.id === 'healthy') {
      context.healthyOutput = { web: normalizeLines(web.output()), worker: normalizeLines(worker.output()) };
    }
  } finally {
    for (const process of context.running) await process.stop('SIGKILL');
    context.running.clear();
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
  if (mode.id === 'refused') await Promise.all([sinks.web.down(), sinks.worker.down()]);
  else if (mode.id !== 'down-up') for (const sink of Object.values(sinks)) sink.setMode(mode.sinkMode ?? 'healthy');
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
 * Every event the process tracked, as its local log tells (the log records each event once its fate is
 * known), against what the sink accepted: nothing twice, nothing that the log does not call sent, and in
 * the running phase nothing lost unless the endpoint refused it for good (400).
 */
function reconcile(
  cell: Cell,
  mode: FaultMode,
  source: 'web' | 'worker',
  sink: SwitchableSink,
  entries: readonly LogLine[],
  sigtermAt: number,
): void {
  const own = entries.filter((line) => line.properties?.source === source);
  const accepted = sink.events().filter((e) => e.properties.source === source);
  const sent = own.filter((line) => line.status === 'sent').map((line) => line.uuid);
  const running = own.filter((line) => Date.parse(line.time) < sigtermAt);
  const atShutdown = own.filter((line) => Date.parse(line.time) >= sigtermAt);
  cell.metric('events tracked', own.length);
  cell.metric('events accepted', accepted.length);
  cell.check('no event accepted twice', () => expect(duplicateUuids(sink.events())).toEqual([]));
  cell.check('every accepted event is logged as sent, every sent one was accepted', () => {
    expect(accepted.map((e) => String(e.uuid)).sort()).toEqual([...sent].sort());
  });
  // SPEC §7: the local log records every event that was sent or would have been, also at shutdown.
  const onWire = sink
    .requests()
    .filter(isCapture)
    .flatMap((r) => requestEvents(r))
    .filter((e) => e.source === source)
    .map((e) => e.uuid);
  cell.check('every event put on the wire is in the local log', () => {
    const logged = new Set(own.map((line) => line.uuid));
    expect([...new Set(onWire.filter((uuid) => !logged.has(uuid)))]).toEqual([]);
  });
  const droppedRunning = running.filter((line) => line.status !== 'sent');
  if (mode.delivery === 'once') {
    cell.check('every event of the running phase arrived exactly once after recovery', () => {
      expect(running.length).toBeGreaterThan(0);
      expect(droppedRunning.map((l) => `${l.event}: ${l.status} (${l.reason})`)).toEqual([]);
    });
  } else {
    cell.check('the refused batch was dropped, not retried', () => {
      expect(droppedRunning.length).toBeGreaterThan(0);
      const sent = sentUuids(sink.requests());
      for (const line of droppedRunning) expect(timesSent(sent, line.uuid), line.event).toBe(1);
    });
  }
  const stopped = accepted.filter((e) => e.event === 'deployment_stopped');
  if (mode.id === 'healthy' || mode.id === 'down-up' || mode.id === '413') {
    cell.check('deployment_stopped arrives exactly once', () => expect(stopped).toHaveLength(1));
  } else {
    const lost = atShutdown.filter((line) => line.status !== 'sent').length;
    cell.note(
      `SIGTERM with the fault on again: ${lost} of the ${atShutdown.length} events logged at shutdown were not ` +
        'delivered (by design: a server keeps events in memory; SPEC §7: flush with a 2 s deadline, then exit).',
    );
  }
}
