import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useTempDir } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';
import { readJsonFile } from '../src/node/json-file.js';
import { openSpool } from '../src/node/spool/disk-spool.js';

const WRITER = fileURLToPath(new URL('./fixtures/concurrent-writer.mjs', import.meta.url));
const PROCESSES = 10;
const ROUNDS = 40;

function runWriter(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

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
