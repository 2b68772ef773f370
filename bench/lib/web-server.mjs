// Starts the built web app (`next start`) for benchmarks: the .mjs twin of apps/web/test/support/processes.ts.
// Node runs next's bin directly, so the PID we hold is the server's own; it is stopped by that PID.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { closedPort } from './cli-home.mjs';

/** apps/web, found through the workspace (the bench does not depend on it, so through the CLI's sibling). */
export const WEB_DIR = join(dirname(createRequire(import.meta.url).resolve('@elmo/cli/package.json')), '..', 'web');

async function waitForHealth(url, child, output, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`next start exited before it was ready:\n${output()}`);
    try {
      const response = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url}/api/health did not answer 200 in time (${last})\n${output()}`);
}

/**
 * Starts `next start -H 127.0.0.1 -p PORT` in apps/web with exactly {ELMO_HOME, ELMO_INTERNAL_TOKEN,
 * NEXT_MANUAL_SIG_HANDLE=1, NEXT_TELEMETRY_DISABLED=1, PATH, HOME=userHome} plus `env`, and waits for GET /api/health 200.
 */
export async function startWeb({
  home,
  userHome = home,
  token = randomBytes(24).toString('hex'),
  env = {},
  port,
  timeoutMs = 60_000,
}) {
  const listenPort = port ?? (await closedPort());
  const child = spawn(
    process.execPath,
    [
      join(WEB_DIR, 'node_modules', 'next', 'dist', 'bin', 'next'),
      'start',
      '-H',
      '127.0.0.1',
      '-p',
      String(listenPort),
    ],
    {
      cwd: WEB_DIR,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: userHome,
        ELMO_HOME: home,
        ELMO_INTERNAL_TOKEN: token,
        NEXT_MANUAL_SIG_HANDLE: '1',
        NEXT_TELEMETRY_DISABLED: '1',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let text = '';
  child.stdout.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr.on('data', (chunk) => {
    text += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const stop = async (signal = 'SIGTERM', graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    process.kill(child.pid, signal);
    const timer = setTimeout(() => {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {}
    }, graceMs);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };
  const url = `http://127.0.0.1:${listenPort}`;
  try {
    await waitForHealth(url, child, () => text, timeoutMs);
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  return { url, pid: child.pid, output: () => text, stop };
}
