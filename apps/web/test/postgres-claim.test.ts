import { type PostgresServer, startPostgres } from '@elmo/test-support/postgres';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestPostgres, type TestDatabase } from './support/database';

// Two web servers sharing one real PostgreSQL, each with its own pool: jobs are claimed exactly once.

let server: PostgresServer;
let a: TestDatabase;
let b: TestDatabase;

beforeAll(async () => {
  server = await startPostgres();
  // Both migrate at once, as two servers starting together would; the advisory lock serialises them.
  [a, b] = await Promise.all([openTestPostgres(server.url), openTestPostgres(server.url)]);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await server?.stop();
});

describe('claiming report jobs on PostgreSQL', () => {
  it('skips a job another transaction holds instead of waiting for it', async () => {
    const brand = await a.repos.brands.create('Locked');
    const first = await a.repos.reports.request(brand.id);
    const second = await a.repos.reports.request(brand.id);

    await a.database.db.transaction(async (tx) => {
      await tx.execute(sql`select id from reports where id = ${first?.id} for update`);
      // While server A holds the oldest job, server B gets the next one at once.
      const claimed = await b.repos.reports.claim('worker-b');
      expect(claimed.job?.id).toBe(second?.id);
    });
    expect((await a.repos.reports.claim('worker-a')).job?.id).toBe(first?.id);
    expect((await b.repos.reports.claim('worker-b')).job).toBeNull();
  });

  it('gives concurrent claimers disjoint jobs, each exactly once', async () => {
    const brand = await a.repos.brands.create('Busy');
    await a.repos.prompts.create(brand.id, 'a prompt');
    const ids = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const report = await a.repos.reports.request(brand.id);
      if (report) ids.add(report.id);
    }

    // Two "workers" per server, each claiming until nothing is left, all at the same time.
    const drain = async (db: TestDatabase, workerId: string) => {
      const claimed: string[] = [];
      for (;;) {
        const { job } = await db.repos.reports.claim(workerId);
        if (!job) return claimed;
        expect(job.prompts).toHaveLength(1);
        claimed.push(job.id);
      }
    };
    const results = await Promise.all([drain(a, 'a1'), drain(a, 'a2'), drain(b, 'b1'), drain(b, 'b2')]);

    const all = results.flat();
    expect(all).toHaveLength(ids.size);
    expect(new Set(all)).toEqual(ids);
    const rows = await a.repos.reports.list({ brandId: brand.id, limit: 100 });
    expect(rows.every((r) => r.status === 'running' && r.attempts === 1)).toBe(true);
    // Each job's claimed_by is the worker that got it.
    const owner = new Map(results.flatMap((jobs, i) => jobs.map((id) => [id, ['a1', 'a2', 'b1', 'b2'][i]])));
    expect(rows.every((r) => owner.get(r.id) === r.claimedBy)).toBe(true);
  });
});
