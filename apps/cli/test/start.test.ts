import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isProcessAlive } from '@elmo/telemetry-core/node';
import { ELMO_BIN, getFreePort } from '@elmo/test-support';
import { useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

// `elmo start` end to end: the built CLI runs the real web app and worker of a fresh deployment.

describe('elmo start', () => {
  const e2e = useE2E({ waitForSenders: true });

  it('runs web and worker, reports them in status, and stops both on Ctrl-C', async () => {
    const { home, sink } = e2e;
    expect((await home.run(['init', '--yes', '--telemetry'])).code).toBe(0);
    const port = await getFreePort();
    const child = spawn(process.execPath, [ELMO_BIN, 'start', '--port', String(port)], {
      env: home.env({ ELMO_TELEMETRY_FLUSH_MS: '200' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!stdout.includes('Elmo is running at')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`elmo start did not come up:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(stdout).toContain(`Elmo is running at http://localhost:${port}`);
      expect(stderr).toContain('web app ready');
      expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);

      const status = JSON.parse((await home.run(['status', '--json'])).stdout);
      expect(status).toMatchObject({ running: true, url: `http://localhost:${port}` });

      // Both components report themselves ready under the deployment id.
      const started = await sink.waitForEvents((e) => e.event === 'deployment_started', {
        count: 2,
        timeoutMs: 20_000,
      });
      expect(started.map((e) => e.properties.component).sort()).toEqual(['web', 'worker']);
      const deploymentId = /DEPLOYMENT_ID=(\S+)/.exec(readFileSync(home.envFile, 'utf8'))?.[1];
      expect(new Set(started.map((e) => e.distinctId))).toEqual(new Set([deploymentId]));

      child.kill('SIGINT');
      const stoppedAt = Date.now();
      expect(await exited).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(15_000);
      expect(stderr).toContain('Stopping Elmo');
      const stopped = await sink.waitForEvents((e) => e.event === 'deployment_stopped', {
        count: 2,
        timeoutMs: 10_000,
      });
      expect(stopped.map((e) => e.properties.component).sort()).toEqual(['web', 'worker']);
      expect(JSON.parse((await home.run(['status', '--json'])).stdout)).toMatchObject({ running: false });
      expect(status.pid && isProcessAlive(status.pid)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 150_000);

  it('refuses to start without a deployment, with one line and exit code 1', async () => {
    const result = await e2e.home.run(['start']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^elmo: no deployment in .*run `elmo init` first$/);
  });
});
