import { type ChildProcess, spawn } from 'node:child_process';
import { ELMO_BIN, type FakeProviderServer, getFreePort, startFakeProvider } from '@elmo/test-support';
import { type PostgresServer, startPostgres } from '@elmo/test-support/postgres';
import { useE2E } from '@elmo/test-support/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `elmo start --workers 3` on PostgreSQL against a slow model provider: three workers share the report jobs, so a
// batch finishes about three times sooner than with one, and every job is done exactly once. A functional check of
// scaling with generous slack (machines are noisy), not a benchmark.

const REPORTS = 9;
const PROMPTS = 3;
const DELAY_MS = 300;

interface Report {
  id: string;
  status: string;
  attempts: number;
  claimedBy: string | null;
}

/** A running `elmo start`, stopped by its own PID. */
interface Started {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  stop(): Promise<number | null>;
}

describe('elmo start --workers on PostgreSQL', () => {
  const e2e = useE2E({ waitForSenders: true });
  let postgres: PostgresServer;
  let provider: FakeProviderServer;

  beforeAll(async () => {
    postgres = await startPostgres();
    provider = await startFakeProvider({ reply: () => ({ kind: 'answer', delayMs: DELAY_MS }) });
  }, 60_000);

  afterAll(async () => {
    await provider?.close();
    await postgres?.stop();
  });

  const start = async (workers: number): Promise<Started> => {
    const port = await getFreePort();
    const child = spawn(process.execPath, [ELMO_BIN, 'start', '--port', String(port), '--workers', String(workers)], {
      env: e2e.home.env({ ELMO_WORKER_POLL_MS: '50' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 90_000;
    // The URL is printed on stdout after the workers' line on stderr; two pipes, so either may arrive first.
    while (!(stdout.includes('Elmo is running at') && / workers? started/.test(stderr))) {
      if (Date.now() > deadline || child.exitCode !== null) {
        if (child.exitCode === null) child.kill('SIGKILL');
        throw new Error(`elmo start --workers ${workers} did not come up:\n${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return {
      child,
      url: `http://127.0.0.1:${port}`,
      stderr: () => stderr,
      async stop() {
        if (child.exitCode === null) child.kill('SIGINT');
        return exited;
      },
    };
  };

  const api = async <T>(url: string, body?: unknown): Promise<T> => {
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };

  /**
   * Queues REPORTS reports of a new brand with PROMPTS prompts and waits until all are done. The time compared is
   * the span of the batch's provider calls (first call to last answer): queueing the reports one request at a time
   * would otherwise count against the workers that are ready before the last one is queued.
   */
  const runBatch = async (elmo: Started, name: string) => {
    const { brand } = await api<{ brand: { id: string } }>(`${elmo.url}/api/brands`, { name });
    for (let i = 1; i <= PROMPTS; i++) {
      await api(`${elmo.url}/api/brands/${brand.id}/prompts`, { text: `Which ${name} tool is best, take ${i}?` });
    }
    const callsBefore = provider.calls.length;
    for (let i = 0; i < REPORTS; i++) await api(`${elmo.url}/api/reports`, { brandId: brand.id });
    let reports: Report[] = [];
    const deadline = Date.now() + 120_000;
    for (;;) {
      ({ reports } = await api<{ reports: Report[] }>(`${elmo.url}/api/reports?brandId=${brand.id}&limit=100`));
      if (reports.length === REPORTS && reports.every((r) => r.status === 'done' || r.status === 'failed')) break;
      if (Date.now() > deadline) throw new Error(`reports not done: ${JSON.stringify(reports)}\n${elmo.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const calls = provider.calls.slice(callsBefore);
    const spanMs =
      Math.max(...calls.map((call) => call.endedAt ?? Number.POSITIVE_INFINITY)) -
      Math.min(...calls.map((call) => call.startedAt));
    return { spanMs, reports, calls: calls.length };
  };

  it('three workers finish a batch about three times sooner than one, each job done exactly once', async () => {
    const { home } = e2e;
    const init = await home.run(
      ['init', '--yes', '--no-telemetry', '--database-url', postgres.url, '--provider', 'openai_compatible'],
      { extraEnv: { OPENAI_BASE_URL: provider.openaiBaseUrl }, holdStdin: true },
    );
    expect(init.code, init.stderr).toBe(0);

    const timings: Record<number, number> = {};
    for (const workers of [1, 3]) {
      const elmo = await start(workers);
      try {
        expect(elmo.stderr()).toContain(`${workers} worker${workers === 1 ? '' : 's'} started`);
        const { spanMs, reports, calls } = await runBatch(elmo, `Scale${workers}`);
        timings[workers] = spanMs;
        expect(reports.map((r) => r.status)).toEqual(Array(REPORTS).fill('done'));
        // Each job claimed once, by one worker, and each prompt asked once per report.
        expect(reports.every((r) => r.attempts === 1 && r.claimedBy)).toBe(true);
        expect(calls).toBe(REPORTS * PROMPTS);
        expect(new Set(reports.map((r) => r.claimedBy)).size).toBe(workers);
      } finally {
        expect(await elmo.stop()).toBe(0);
      }
    }
    const ratio = (timings[3] ?? 0) / (timings[1] ?? 1);
    const figures = `1 worker: ${Math.round(timings[1] ?? 0)} ms, 3 workers: ${Math.round(timings[3] ?? 0)} ms (ratio ${ratio.toFixed(2)})`;
    console.log(`reports on PostgreSQL against a 300 ms provider, first to last call: ${figures}`);
    expect(ratio, figures).toBeLessThanOrEqual(0.6);
    expect(provider.calls.every((call) => call.status === 200)).toBe(true);
  }, 300_000);
});
