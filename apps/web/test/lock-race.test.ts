import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createTempDir,
  getFreePort,
  type ManagedProcess,
  seedDatabase,
  startWeb,
  waitForHttp,
} from '@elmo/test-support';
import { afterAll, describe, expect, it } from 'vitest';

// Two web servers started at the same instant on one data folder: exactly one opens the database, every time.

const ROUNDS = 20;
const started: ManagedProcess[] = [];
const home = createTempDir('elmo-lock-race-');
afterAll(async () => {
  for (const server of started) await server.stop('SIGKILL');
  home.remove();
});

// The pid of a process that has certainly exited.
const deadPid = (): number =>
  Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());

describe('two web servers on one data folder', () => {
  it(`exactly one wins, ${ROUNDS} times, with and without a stale lock`, async () => {
    const data = join(home.path, 'data');
    seedDatabase(data);
    for (let round = 0; round < ROUNDS; round += 1) {
      // Every other round the folder holds the lock of a server that died without releasing it.
      if (round % 2 === 1) writeFileSync(join(data, 'web.lock'), `${deadPid()}\n`);
      const ports = await Promise.all([getFreePort(), getFreePort()]);
      // startWeb spawns before its first await when the port is given: both start within a millisecond or two.
      const servers = await Promise.all(
        ports.map((port) => startWeb({ home: home.path, port, waitUntilReady: false })),
      );
      started.push(...servers);
      const first = await Promise.race(servers.map((server, index) => server.exited.then(() => index)));
      const loser = servers[first] as (typeof servers)[number];
      const winner = servers[1 - first] as (typeof servers)[number];
      const context = `round ${round}:\n${servers.map((s) => `[${s.pid}] ${s.output()}`).join('\n')}`;
      expect((await loser.exited).code, context).toBe(1);
      expect(loser.output(), context).toContain(
        `elmo-web: another Elmo web server (pid ${winner.pid}) is using ${data}`,
      );
      await waitForHttp(`${winner.url}/api/health`, { process: winner, timeoutMs: 30_000 });
      expect(await winner.stop('SIGTERM', 10_000), context).toEqual({ code: 0, signal: null });
    }
  }, 180_000);
});
