import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ManagedProcess, startProcess, waitUntil } from '@elmo/test-support';
import { useTempDir } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

const RACER = fileURLToPath(new URL('./fixtures/pid-lock-racer.mjs', import.meta.url));
const RACERS = 8;
const ROUNDS = 20;

// The pid of a process that has already exited.
const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout);

const temp = useTempDir();

describe(`${RACERS} processes taking one pid lock at the same instant`, () => {
  it(`exactly one wins, ${ROUNDS} rounds out of none, a stale lock and a stale takeover guard`, async () => {
    const dir = temp.path;
    const lock = join(dir, 'web.lock');
    const go = join(dir, 'go');
    const done = join(dir, 'done');
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    for (let round = 0; round < ROUNDS; round += 1) {
      // Round kinds: no lock; the lock of the last round's winner, which exited without releasing it; that, and a
      // takeover guard left by a taker that died.
      const kind = (['none', 'stale', 'stale guard'] as const)[round % 3];
      rmSync(go, { force: true });
      rmSync(done, { force: true });
      if (kind === 'none') rmSync(lock, { force: true });
      const stale = kind === 'none' ? undefined : Number(readFileSync(lock, 'utf8'));
      if (kind === 'stale guard') writeFileSync(`${lock}.takeover-${stale}`, `${deadPid()}\n`);

      const start = (mode: string): ManagedProcess =>
        startProcess(process.execPath, [RACER, mode, lock, go, done], { cwd: dir, env });
      const racers = Array.from({ length: RACERS }, () => start('race'));
      const reader = start('read');
      const all = [...racers, reader];
      await waitUntil(() => all.every((p) => p.output().includes('ready')), 'every racer ready', 10_000, 5);
      writeFileSync(go, '');
      await waitUntil(
        () => racers.every((p) => /^(won|lost) \d+$/m.test(p.output())),
        'every racer decided',
        10_000,
        5,
      );
      await waitUntil(() => /^whole$/m.test(reader.output()), 'the reader to see the lock held', 10_000, 5);
      writeFileSync(done, '');
      const exits = await Promise.all(all.map((p) => p.exited));

      const context = `round ${round} (${kind}): ${all.map((p) => p.output()).join(' | ')}`;
      expect(
        exits.map((e) => e.code),
        context,
      ).toEqual(Array(RACERS + 1).fill(0));
      const winners = racers.filter((p) => p.output().includes('won'));
      expect(winners, context).toHaveLength(1);
      const winner = winners[0]?.pid;
      for (const p of racers) if (p.pid !== winner) expect(p.output(), context).toContain(`lost ${winner}`);
      expect(readFileSync(lock, 'utf8'), context).toBe(`${winner}\n`);
      const seen = JSON.parse(/seen (.*)/.exec(reader.output())?.[1] ?? '{}');
      expect(seen.other, context).toEqual([]);
      expect(seen.whole, context).toBeGreaterThan(0);
      expect(readdirSync(dir).sort(), context).toEqual(['done', 'go', 'web.lock']);
    }
  }, 120_000);
});
