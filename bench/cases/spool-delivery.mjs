// Time for the detached sender to deliver a 1,000-event spool to the loopback sink.
import { join } from 'node:path';
import { startSink } from '@elmo/posthog-sink';
import { openSpool, readLivePid, startDetachedSender } from '@elmo/telemetry-core/node';
import { createTempDir } from '@elmo/test-support';
import { median, spread } from '../lib/stats.mjs';

const EVENTS = 1000;

function spoolOf(path) {
  const spool = openSpool(path);
  spool.append(
    Array.from({ length: EVENTS }, (_, i) => ({
      uuid: crypto.randomUUID(),
      event: 'cli_command',
      distinctId: 'bench',
      timestamp: new Date().toISOString(),
      properties: { command: 'status', duration_ms: i, status: 'success' },
    })),
  );
  return spool;
}

export async function spoolDelivery() {
  const sink = await startSink();
  const times = [];
  try {
    for (let run = 0; run < 5; run += 1) {
      const temp = createTempDir('elmo-bench-spool-');
      const dir = temp.path;
      const config = {
        spoolPath: join(dir, 'spool.jsonl'),
        pidFile: join(dir, 'sender.pid'),
        host: sink.url,
        apiKey: 'phc_bench',
        capMs: 30_000,
      };
      const spool = spoolOf(config.spoolPath);
      sink.clear();
      const started = performance.now();
      startDetachedSender(config);
      while (!spool.isEmpty() || readLivePid(config.pidFile) !== undefined) await new Promise((r) => setTimeout(r, 5));
      times.push(performance.now() - started);
      if (sink.events.length !== EVENTS) throw new Error(`sink received ${sink.events.length} of ${EVENTS} events`);
      temp.remove();
    }
    return {
      name: 'detached sender delivers a 1,000-event spool',
      budget: '≤ 1 s',
      detail: 'from spawning the sender to an empty spool and an exited sender, all 1,000 events received',
      value: median(times),
      spread: spread(times),
      pass: median(times) <= 1000,
      format: (v) => `${Math.round(v)} ms`,
    };
  } finally {
    await sink.close();
  }
}
