import { fileURLToPath } from 'node:url';
import { type Sink, startSink } from '@elmo/posthog-sink';
import { getFreePort, runNode } from '@elmo/test-support';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('./fixtures/track-and-shutdown.mjs', import.meta.url));

/** Runs the fixture and returns how long after calling shutdown the process exited. */
async function timeShutdown(host: string): Promise<{ code: number | null; afterShutdownMs: number }> {
  const { code, stdout, stderr } = await runNode(SCRIPT, [host], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  const exitedAt = Date.now();
  const started = Number(/shutdown (\d+)/.exec(stdout)?.[1]);
  if (!started) throw new Error(`fixture did not reach shutdown: ${stderr}`);
  return { code, afterShutdownMs: exitedAt - started };
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
