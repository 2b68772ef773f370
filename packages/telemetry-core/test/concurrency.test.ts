import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useTempDir } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';
import { readJsonFile } from '../src/node/json-file.js';
import { openSpool } from '../src/node/spool/disk-spool.js';

const WRITER = fileURLToPath(new URL('./fixtures/concurrent-writer.mjs', import.meta.url));
const SPOOL_RACER = fileURLToPath(new URL('./fixtures/spool-racer.mjs', import.meta.url));
const PROCESSES = 10;
const ROUNDS = 40;

function runFixture(file: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout }));
  });
}

const runWriter = async (args: string[]) => (await runFixture(WRITER, args)).code;

const temp = useTempDir();

describe('10 processes writing at once', () => {
  it('leave a valid config, spool and log with nothing lost', async () => {
    const config = join(temp.path, 'config', 'config.json');
    const spool = join(temp.path, 'state', 'spool.jsonl');
    const log = join(temp.path, 'state', 'events.log');
    const codes = await Promise.all(
      Array.from({ length: PROCESSES }, (_, id) => runWriter([config, spool, log, String(id), String(ROUNDS)])),
    );
    expect(codes).toEqual(Array(PROCESSES).fill(0));

    const state = readJsonFile(config);
    expect(state.status).toBe('ok');
    if (state.status !== 'ok') return;
    expect(state.data.counter).toBe(PROCESSES * ROUNDS);
    for (let id = 0; id < PROCESSES; id += 1) expect(state.data[`writer${id}`]).toBe(ROUNDS);

    const uuids = openSpool(spool)
      .read()
      .map((e) => e.uuid);
    expect(uuids).toHaveLength(PROCESSES * ROUNDS);
    expect(new Set(uuids).size).toBe(PROCESSES * ROUNDS);

    // The log rotates at 4 KiB: every line in what is kept parses, and no lock or temp file is left behind.
    for (const file of [log, `${log}.1`]) {
      for (const line of readFileSync(file, 'utf8').trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    }
    const leftovers = readdirSync(join(temp.path, 'state')).filter((f) => f.endsWith('.lock') || f.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  }, 60_000);
});

describe('unlocked appends racing locked rewrites of the spool', () => {
  it('lose nothing, add nothing twice, and never bring back an event taken out', async () => {
    const spool = join(temp.path, 'state', 'spool.jsonl');
    const stop = join(temp.path, 'stop');
    const appenders = 6;
    const each = 60;
    const rewriters = ['remove', 'rewrite'].map((mode) => runFixture(SPOOL_RACER, [mode, spool, stop]));
    const appended = await Promise.all(
      Array.from({ length: appenders }, (_, id) =>
        runFixture(SPOOL_RACER, ['append', spool, stop, String(id), String(each)]),
      ),
    );
    writeFileSync(stop, '');
    const [remover, rewriter] = await Promise.all(rewriters);
    expect([...appended, remover, rewriter].map((r) => r?.code)).toEqual(Array(appenders + 2).fill(0));

    const taken = new Set<string>([...JSON.parse(remover?.stdout ?? '[]'), ...JSON.parse(rewriter?.stdout ?? '[]')]);
    const left = openSpool(spool)
      .read()
      .map((e) => e.uuid);
    const all = Array.from({ length: appenders }, (_, id) =>
      Array.from({ length: each }, (_, i) => `${id}-${i}`),
    ).flat();
    // Both kinds of rewrite really ran while appends were made.
    expect(taken.size).toBeGreaterThan(0);
    expect(new Set(left).size, 'no event twice').toBe(left.length);
    expect(
      left.filter((uuid) => taken.has(uuid)),
      'nothing taken out came back',
    ).toEqual([]);
    expect([...left, ...taken].sort(), 'nothing lost').toEqual(all.sort());
  }, 60_000);
});
