import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Sink, startSink } from '@elmo/posthog-sink';
import { getFreePort } from '@elmo/test-support';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./fixtures/track-and-shutdown.mjs', import.meta.url));

/** Runs the fixture and returns how long after calling shutdown the process exited. */
function timeShutdown(host: string): Promise<{ code: number | null; afterShutdownMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, host], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const started = Number(/shutdown (\d+)/.exec(out)?.[1]);
      if (!started) return reject(new Error(`fixture did not reach shutdown: ${err}`));
      resolve({ code, afterShutdownMs: Date.now() - started });
    });
  });
}

let sink: Sink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

describe('a process that tracks and shuts down', () => {
  it('delivers and exits promptly when the sink is healthy', async () => {
    sink = await startSink();
    const result = await timeShutdown(sink.url);
    expect(result.code).toBe(0);
    expect(sink.events.map((e) => e.event)).toEqual(['ping']);
  });

  it('exits within 2 s when the sink accepts and never answers', async () => {
    sink = await startSink({ mode: 'hang' });
    const result = await timeShutdown(sink.url);
    expect(result.code).toBe(0);
    expect(result.afterShutdownMs).toBeLessThan(2000);
    expect(sink.requests.length).toBeGreaterThan(0);
  });

  it('exits within 1 s when the port is closed', async () => {
    const result = await timeShutdown(`http://127.0.0.1:${await getFreePort()}`);
    expect(result.code).toBe(0);
    expect(result.afterShutdownMs).toBeLessThan(1000);
  });
});
