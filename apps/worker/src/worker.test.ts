import type { ClaimedJob } from '@elmo/app-shared';
import { describe, expect, it } from 'vitest';
import { StopRequested } from './providers/provider-error.js';
import type { WorkerTelemetryHooks } from './telemetry-hooks.js';
import { createInMemoryJobSource } from './testing/in-memory-job-source.js';
import { createWorker, type WorkerDeps } from './worker.js';

const now = new Date('2025-06-30T12:00:00.000Z');
const job = (id: string): ClaimedJob => ({
  id,
  attempts: 1,
  maxAttempts: 3,
  brand: { id: 'b1', name: 'Acme' },
  prompts: [{ id: 'p1', text: 'best coffee?', createdAt: '2025-06-29T12:00:00.000Z', editedAt: null }],
});

function recordingHooks() {
  const calls: string[] = [];
  const hooks: WorkerTelemetryHooks = {
    ready: () => void calls.push('ready'),
    jobDone: (ok) => void calls.push(`jobDone:${ok}`),
    providerCall: (sample) => void calls.push(`providerCall:${sample.provider}:${sample.error ?? 'ok'}`),
    shutdown: async () => void calls.push('shutdown'),
  };
  return { hooks, calls };
}

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function setup(overrides: Partial<WorkerDeps> = {}) {
  const memory = createInMemoryJobSource();
  const { hooks, calls } = recordingHooks();
  const lines: string[] = [];
  const worker = createWorker({
    jobs: memory.source,
    workerId: 'w-test',
    pollIntervalMs: 10,
    hooks,
    log: (line) => void lines.push(line),
    now: () => now,
    ...overrides,
  });
  return { worker, memory, calls, lines };
}

describe('createWorker', () => {
  it('claims jobs one by one and completes them with the computed report', async () => {
    const { worker, memory, calls } = setup();
    memory.push(job('j1'));
    memory.push(job('j2'));
    worker.start();
    await until(() => memory.completed.length === 2);
    await worker.stop();

    expect(memory.claims).toEqual([
      { jobId: 'j1', workerId: 'w-test' },
      { jobId: 'j2', workerId: 'w-test' },
    ]);
    expect(memory.completed[0]?.result).toMatchObject({
      generatedAt: now.toISOString(),
      brand: { id: 'b1', name: 'Acme' },
      totals: { prompts: 1, createdLast7Days: 1, createdLast30Days: 1, editedLast7Days: 0, editedLast30Days: 0 },
    });
    expect(calls).toEqual(['ready', 'jobDone:true', 'jobDone:true']);
  });

  it('reports a failing computation with a stable code', async () => {
    const { worker, memory, calls } = setup({
      compute: () => {
        throw new Error('nope');
      },
    });
    memory.push(job('j1'));
    worker.start();
    await until(() => memory.failed.length === 1);
    await worker.stop();
    expect(memory.failed).toEqual([{ jobId: 'j1', workerId: 'w-test', errorCode: 'report_failed' }]);
    expect(calls).toEqual(['ready', 'jobDone:false']);
  });

  it('keeps retrying while the web app is unreachable, logging only the changes', async () => {
    const { worker, memory, calls, lines } = setup({ maxBackoffMs: 20 });
    memory.setUnreachable(new Error('connect ECONNREFUSED'));
    worker.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(lines).toEqual(['cannot claim jobs: connect ECONNREFUSED; retrying']);
    expect(calls).toEqual([]);

    memory.setUnreachable(null);
    memory.push(job('j1'));
    await until(() => memory.completed.length === 1);
    await worker.stop();
    expect(lines).toEqual(['cannot claim jobs: connect ECONNREFUSED; retrying', 'reached the web app again']);
    expect(calls).toEqual(['ready', 'jobDone:true']);
  });

  it('stops promptly while waiting for work', async () => {
    const { worker } = setup({ pollIntervalMs: 60_000 });
    worker.start();
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    await worker.stop();
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('finishes the job in hand before stopping', async () => {
    let release: (() => void) | null = null;
    const memory = createInMemoryJobSource([job('j1')]);
    const slowComplete: typeof memory.source = {
      ...memory.source,
      complete: async (...args) => {
        await new Promise<void>((r) => {
          release = r;
        });
        await memory.source.complete(...args);
      },
    };
    const { worker } = setup({ jobs: slowComplete });
    worker.start();
    // Stopped while the job's report is on its way to the web app.
    await until(() => release !== null);
    const stopped = worker.stop();
    (release as (() => void) | null)?.();
    await stopped;
    expect(memory.completed.map((c) => c.jobId)).toEqual(['j1']);
  });

  it('abandons a job whose report hangs once the grace period is over', async () => {
    const memory = createInMemoryJobSource([job('j1')]);
    const hanging: typeof memory.source = {
      ...memory.source,
      complete: (_id, _w, _r, signal) =>
        new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')))),
    };
    const { worker, lines } = setup({ jobs: hanging, stopGraceMs: 50 });
    worker.start();
    await until(() => memory.claims.length === 1);
    await worker.stop();
    expect(lines).toEqual(['could not report job j1: aborted; it will be retried later']);
  });

  it('leaves a job whose providers are still being asked when the grace period is over, reporting nothing', async () => {
    const memory = createInMemoryJobSource([job('j1')]);
    // A computation that waits on a provider until the worker's stop signal cuts it, as the HTTP providers do.
    const compute = (_input: unknown, _now: Date, signal: AbortSignal) =>
      new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new StopRequested())));
    const { worker, lines, calls } = setup({ jobs: memory.source, compute, stopGraceMs: 50 });
    worker.start();
    await until(() => memory.claims.length === 1);
    const started = Date.now();
    await worker.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(lines).toEqual(['job j1 interrupted by the stop; it will be retried later']);
    expect(memory.completed).toEqual([]);
    expect(memory.failed).toEqual([]);
    expect(calls).toEqual(['ready']);
  });
});
