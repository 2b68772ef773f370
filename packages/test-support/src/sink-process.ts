import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ReceivedEvent, SinkModeName } from '@elmo/posthog-sink';
import { createTempDir } from './temp-dir.js';

/** The loopback sink's bin (`@elmo/posthog-sink`'s dist/bin.js). */
export const SINK_BIN = join(dirname(createRequire(import.meta.url).resolve('@elmo/posthog-sink')), 'bin.js');

/** The loopback sink running in a process of its own, read through its HTTP API. */
export interface SinkProcess {
  url: string;
  pid: number;
  /** How many events it has received. */
  count(): Promise<number>;
  /** The events received so far (the sink's GET /api/events). */
  events(): Promise<ReceivedEvent[]>;
  /** Forgets the events received so far. */
  clear(): Promise<void>;
  /** SIGTERM, resolves once the process exited. */
  stop(): Promise<void>;
}

/**
 * Starts the sink bin on a free loopback port in a process of its own, so that its decoding work is not counted
 * against the process being measured.
 */
export async function startSinkProcess(mode: SinkModeName = 'healthy'): Promise<SinkProcess> {
  const folder = createTempDir('elmo-sink-process-');
  const portFile = join(folder.path, 'port');
  const child = spawn(process.execPath, [SINK_BIN, '--port', '0', '--port-file', portFile, '--mode', mode, '--quiet'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (let waited = 0; !existsSync(portFile); waited += 20) {
      if (waited > 10_000 || child.exitCode !== null) throw new Error('the sink process did not start');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } catch (error) {
    child.kill('SIGKILL');
    folder.remove();
    throw error;
  }
  const url = `http://127.0.0.1:${readFileSync(portFile, 'utf8').trim()}`;
  folder.remove();
  const events = async () => (await (await fetch(`${url}/api/events`)).json()) as ReceivedEvent[];
  return {
    url,
    pid: child.pid ?? -1,
    events,
    count: async () => (await events()).length,
    async clear() {
      await (await fetch(`${url}/api/events`, { method: 'DELETE' })).arrayBuffer();
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
