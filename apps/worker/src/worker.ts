import { type ClaimedJob, describeError, type ReportResult } from '@elmo/app-shared';
import type { JobSource } from './job-source.js';
import { StopRequested } from './providers/provider-error.js';
import { computeReport } from './report.js';
import type { ComputeReport } from './run-report.js';
import type { WorkerTelemetryHooks } from './telemetry-hooks.js';

/** What a worker needs; effects come in here so tests can supply their own. */
export interface WorkerDeps {
  jobs: JobSource;
  /** Recorded as `claimed_by`; unique per process. */
  workerId: string;
  pollIntervalMs: number;
  hooks: WorkerTelemetryHooks;
  log(line: string): void;
  now?: () => Date;
  /** The report of a job (default: the inventory alone); main.ts passes the one that asks the providers. */
  compute?: ComputeReport;
  /** How long stop() lets the current job finish before cutting its requests (default 5 s). */
  stopGraceMs?: number;
  /** Longest pause after the web app could not be reached (doubles from pollIntervalMs; default 10 s). */
  maxBackoffMs?: number;
}

/** A running worker: start() begins polling, stop() resolves once the loop has ended. */
export interface Worker {
  start(): void;
  stop(): Promise<void>;
}

/** Creates a worker that claims report jobs, computes them and reports the outcome, one at a time. */
export function createWorker(deps: WorkerDeps): Worker {
  const now = deps.now ?? (() => new Date());
  const compute = deps.compute ?? computeReport;
  const abort = new AbortController(); // Cuts requests in flight once the stop grace period is over.
  let wake: (() => void) | null = null;
  let stopping = false;
  let loop: Promise<void> | null = null;
  let reachable: boolean | null = null;
  let ready = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  // Logs only changes, so a web app that is down for an hour gives two lines, not thousands.
  function noteReachable(ok: boolean, error?: unknown) {
    if (ok && !ready) {
      ready = true;
      deps.hooks.ready();
    }
    if (ok && reachable === false) deps.log('reached the web app again');
    if (!ok && reachable !== false) deps.log(`cannot claim jobs: ${describeError(error)}; retrying`);
    reachable = ok;
  }

  async function run(job: ClaimedJob): Promise<void> {
    let result: ReportResult;
    try {
      result = await compute({ brand: job.brand, prompts: job.prompts }, now(), abort.signal);
    } catch (error) {
      if (error instanceof StopRequested || abort.signal.aborted) {
        // Cut by the stop grace: nothing is reported, and the web app hands the job out again once the claim expires.
        deps.log(`job ${job.id} interrupted by the stop; it will be retried later`);
        return;
      }
      deps.log(`job ${job.id} failed: ${describeError(error)}`);
      await report(job, () => deps.jobs.fail(job.id, deps.workerId, 'report_failed', abort.signal), false);
      return;
    }
    await report(job, () => deps.jobs.complete(job.id, deps.workerId, result, abort.signal), true);
  }

  async function report(job: ClaimedJob, send: () => Promise<void>, ok: boolean): Promise<void> {
    try {
      await send();
      deps.hooks.jobDone(ok);
    } catch (error) {
      // The web app re-queues the job when this worker's claim expires.
      deps.log(`could not report job ${job.id}: ${describeError(error)}; it will be retried later`);
    }
  }

  async function poll(): Promise<void> {
    let backoff = deps.pollIntervalMs;
    while (!stopping) {
      let job: ClaimedJob | null;
      try {
        job = await deps.jobs.claim(deps.workerId, abort.signal);
        noteReachable(true);
        backoff = deps.pollIntervalMs;
      } catch (error) {
        if (stopping) break;
        noteReachable(false, error);
        await sleep(backoff);
        backoff = Math.min(backoff * 2, deps.maxBackoffMs ?? 10_000);
        continue;
      }
      if (job) await run(job);
      else if (!stopping) await sleep(deps.pollIntervalMs);
    }
  }

  return {
    start() {
      loop ??= poll();
    },
    async stop() {
      stopping = true;
      wake?.();
      if (!loop) return;
      const grace = setTimeout(() => abort.abort(), deps.stopGraceMs ?? 5000);
      await loop;
      clearTimeout(grace);
    },
  };
}
