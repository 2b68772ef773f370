// The loopback sink in a process of its own, so that its decoding work is not counted against either side.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const sinkBin = join(dirname(createRequire(import.meta.url).resolve('@elmo/posthog-sink')), 'bin.js');

/** Starts the sink bin on a free port; returns its URL, an event counter and a stop function. */
export async function startSinkProcess(mode = 'healthy') {
  const folder = mkdtempSync(join(tmpdir(), 'elmo-bench-sink-'));
  const portFile = join(folder, 'port');
  const child = spawn(process.execPath, [sinkBin, '--port', '0', '--port-file', portFile, '--mode', mode, '--quiet'], {
    stdio: 'ignore',
  });
  for (let waited = 0; !existsSync(portFile); waited += 20) {
    if (waited > 10_000) throw new Error('the sink process did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  const url = `http://127.0.0.1:${readFileSync(portFile, 'utf8').trim()}`;
  rmSync(folder, { recursive: true, force: true });
  return {
    url,
    async count() {
      const events = await (await fetch(`${url}/api/events`)).json();
      return Array.isArray(events) ? events.length : events.events.length;
    },
    /** The events received so far (the sink's GET /api/events). */
    async events() {
      const events = await (await fetch(`${url}/api/events`)).json();
      return Array.isArray(events) ? events : events.events;
    },
    clear: () => fetch(`${url}/api/events`, { method: 'DELETE' }),
    stop: () =>
      new Promise((resolve) => {
        child.on('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}
