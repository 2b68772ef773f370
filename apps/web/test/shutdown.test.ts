import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createTempDir,
  createToken,
  type ManagedProcess,
  startWeb,
  startWorker,
  type WebServer,
  waitUntil,
} from '@elmo/test-support';
import { afterAll, describe, expect, it } from 'vitest';

// Start and stop behaviour of the built web app and worker, as an operator (or `elmo start`) sees it.

const started: ManagedProcess[] = [];
const folders: { remove(): void }[] = [];
afterAll(async () => {
  for (const process of started) await process.stop('SIGKILL');
  for (const folder of folders) folder.remove();
});

function tempHome(): string {
  const dir = createTempDir('elmo-shutdown-');
  folders.push(dir);
  return dir.path;
}

async function web(options: Parameters<typeof startWeb>[0]): Promise<WebServer> {
  const server = await startWeb(options);
  started.push(server);
  return server;
}

describe('web server start and stop', () => {
  it('closes cleanly on SIGTERM within 3 s, releasing the lock, and keeps the data', async () => {
    const home = tempHome();
    const lock = join(home, 'data', 'web.lock');
    const first = await web({ home });
    expect(existsSync(lock)).toBe(true);
    const created = await fetch(`${first.url}/api/brands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Durable' }),
    });
    expect(created.status).toBe(201);

    const before = Date.now();
    const exit = await first.stop('SIGTERM', 10_000);
    expect(Date.now() - before).toBeLessThan(3000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(existsSync(lock)).toBe(false);

    // The same folder opens again with the brand in it; SIGINT (Ctrl-C) is just as clean.
    const second = await web({ home });
    const { brands } = await (await fetch(`${second.url}/api/brands`)).json();
    expect(brands.map((b: { name: string }) => b.name)).toEqual(['Durable']);
    expect(await second.stop('SIGINT', 10_000)).toEqual({ code: 0, signal: null });
    expect(existsSync(lock)).toBe(false);
  }, 60_000);

  it('refuses a second server on the same data folder with a clear message', async () => {
    const home = tempHome();
    const first = await web({ home });
    const second = await web({ home, waitUntilReady: false });
    const exit = await second.exited;
    expect(exit.code).toBe(1);
    expect(second.output()).toContain(
      `elmo-web: another Elmo web server (pid ${first.pid}) is using ${join(home, 'data')}`,
    );
    // The first one is unaffected.
    expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
    await first.stop();
  }, 60_000);

  it('exits non-zero with one clear line when a migration fails', async () => {
    // `next start` reads migrations from its working folder; this one holds a broken migration.
    const cwd = tempHome();
    mkdirSync(join(cwd, 'drizzle', 'meta'), { recursive: true });
    writeFileSync(join(cwd, 'drizzle', '0000_broken.sql'), 'CREATE TABLE broken (;\n');
    writeFileSync(
      join(cwd, 'drizzle', 'meta', '_journal.json'),
      JSON.stringify({
        version: '7',
        dialect: 'postgresql',
        entries: [{ idx: 0, version: '7', when: 1, tag: '0000_broken', breakpoints: true }],
      }),
    );
    // A new database: one that already has the real migrations would skip this older-dated broken one.
    const server = await web({ home: tempHome(), cwd, waitUntilReady: false, freshDatabase: true });
    const exit = await server.exited;
    expect(exit.code).toBe(1);
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('elmo-web:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^elmo-web: database migration failed: .*syntax error/);
  }, 60_000);
});

describe('worker start and stop', () => {
  it('refuses to start without a token', async () => {
    const worker = startWorker({ webUrl: 'http://127.0.0.1:9', token: '' });
    started.push(worker);
    expect((await worker.exited).code).toBe(1);
    expect(worker.output()).toContain('elmo-worker: ELMO_INTERNAL_TOKEN is not set');
  });

  it('stops cleanly on SIGTERM, even while the web app is unreachable', async () => {
    const worker = startWorker({ webUrl: 'http://127.0.0.1:9', token: createToken() });
    started.push(worker);
    // It has tried and failed at least once (how soon depends on the machine's load).
    await waitUntil(() => worker.output().includes('cannot claim jobs'), 'a failed claim');
    const before = Date.now();
    expect(await worker.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - before).toBeLessThan(2000);
  });
});
