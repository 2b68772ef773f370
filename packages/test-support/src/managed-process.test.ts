import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startProcess, stopStartedProcesses } from './managed-process.js';
import { findProcesses } from './processes.js';
import { createTempDir } from './temp-dir.js';
import { waitUntil } from './wait.js';

// A process a test started must not outlive the test run, even when the test never got to stop it.

const MODULE = new URL('../dist/managed-process.js', import.meta.url).href;

describe('processes started by a test', () => {
  it('are killed when the test runner ends its worker with SIGTERM', async () => {
    const temp = createTempDir('elmo-managed-');
    try {
      const marker = join(temp.path, 'left-behind');
      // A worker that starts a long process and never stops it, as a test that timed out would.
      const worker = join(temp.path, 'worker.mjs');
      writeFileSync(
        worker,
        `import { startProcess } from ${JSON.stringify(MODULE)};\n` +
          `startProcess(process.execPath, ['-e', 'setTimeout(() => {}, 600000)', ${JSON.stringify(marker)}], { cwd: '/', env: {} });\n` +
          `console.log('ready');\nsetInterval(() => {}, 1000);\n`,
      );
      const parent = startProcess(process.execPath, [worker], { cwd: temp.path, env: {} });
      await waitUntil(
        () => parent.output().includes('ready') && findProcesses(marker).length === 1,
        'the child',
        10_000,
      );
      const exit = await parent.stop('SIGTERM');
      expect(exit.signal).toBe('SIGTERM');
      await waitUntil(() => findProcesses(marker).length === 0, 'the child to be gone', 5000);
    } finally {
      temp.remove();
    }
  }, 30_000);

  it('are stopped by stopStartedProcesses, also those the test holds no handle on', async () => {
    const temp = createTempDir('elmo-managed-');
    try {
      const marker = join(temp.path, 'unheld');
      startProcess(process.execPath, ['-e', 'setTimeout(() => {}, 600000)', marker], { cwd: '/', env: {} });
      expect(findProcesses(marker)).toHaveLength(1);
      await stopStartedProcesses();
      expect(findProcesses(marker)).toEqual([]);
    } finally {
      temp.remove();
    }
  });
});
