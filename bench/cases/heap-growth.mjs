// Heap growth over 1,000,000 track() calls with the endpoint blackholed (bounded queue).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startSink } from '@elmo/posthog-sink';
import { median, spread } from '../lib/stats.mjs';

const CHILD = fileURLToPath(new URL('./heap-child.mjs', import.meta.url));

export async function heapGrowth() {
  const sink = await startSink({ mode: 'hang' });
  try {
    const runs = [];
    for (let i = 0; i < 3; i += 1) {
      const output = execFileSync(process.execPath, ['--expose-gc', CHILD, sink.url], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      runs.push(JSON.parse(output.trim().split('\n').at(-1)));
    }
    const growth = runs.map((r) => r.growthMb);
    return {
      name: 'heap growth, 1,000,000 track() calls, endpoint blackholed',
      budget: '≤ 50 MB',
      detail: `queue held ${runs[0].queued} events, ${runs[0].dropped.toLocaleString('en')} oldest dropped and counted`,
      value: median(growth),
      spread: spread(growth),
      pass: median(growth) <= 50,
      format: (v) => `${v.toFixed(1)} MB`,
    };
  } finally {
    await sink.close();
  }
}
