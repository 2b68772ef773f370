import type { ReportResult } from '@elmo/app-shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestPglite, type TestDatabase } from '../../../test/support/database';

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestPglite({ maxAttempts: 2, leaseSeconds: 120 });
});
afterAll(() => t?.close());

// Fails the test with a clear message instead of a non-null assertion.
function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

const resultFor = (brand: { id: string; name: string }): ReportResult => ({
  version: 2,
  generatedAt: new Date().toISOString(),
  brand,
  totals: { prompts: 0, createdLast7Days: 0, createdLast30Days: 0, editedLast7Days: 0, editedLast30Days: 0 },
  prompts: [],
  providers: [],
});

describe('brands', () => {
  it('creates, lists with counts, renames and deletes', async () => {
    const b = await t.repos.brands.create('Zeta Coffee');
    const a = await t.repos.brands.create('acme');
    await t.repos.prompts.create(b.id, 'best coffee in town?');
    await t.repos.prompts.create(b.id, 'is zeta fair trade?');

    const list = await t.repos.brands.list();
    expect(list.map((x) => [x.name, x.promptCount])).toEqual([
      ['acme', 0],
      ['Zeta Coffee', 2],
    ]);
    expect(await t.repos.brands.totals()).toEqual({ brands_total: 2, prompts_total: 2 });

    const renamed = await t.repos.brands.rename(a.id, 'Acme Corp');
    expect(renamed?.name).toBe('Acme Corp');
    expect(renamed && renamed.updatedAt >= a.updatedAt).toBe(true);

    expect(await t.repos.brands.remove(b.id)).toBe(true);
    expect(await t.repos.brands.remove(b.id)).toBe(false);
    expect(await t.repos.brands.totals()).toEqual({ brands_total: 1, prompts_total: 0 });
    await t.repos.brands.remove(a.id);
  });

  it('answers null for unknown or malformed ids instead of failing', async () => {
    expect(await t.repos.brands.get('00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await t.repos.brands.get('not-an-id')).toBeNull();
    expect(await t.repos.brands.rename('nope', 'x')).toBeNull();
  });
});

describe('prompts', () => {
  it('creates only for an existing brand, edits with an edit time, deletes', async () => {
    const brand = await t.repos.brands.create('Prompts Inc');
    expect(await t.repos.prompts.create('00000000-0000-4000-8000-000000000000', 'x')).toBeNull();

    const p = must(await t.repos.prompts.create(brand.id, 'first'));
    expect(p).toMatchObject({ brandId: brand.id, text: 'first', editedAt: null });

    const same = await t.repos.prompts.edit(p.id, 'first');
    expect(same).toMatchObject({ changed: false, prompt: { editedAt: null } });

    const edited = await t.repos.prompts.edit(p.id, 'first, reworded');
    expect(edited?.changed).toBe(true);
    expect(edited?.prompt.text).toBe('first, reworded');
    expect(edited?.prompt.editedAt).toBeInstanceOf(Date);

    await t.repos.prompts.create(brand.id, 'second');
    expect((await t.repos.prompts.listByBrand(brand.id)).map((x) => x.text)).toEqual(['first, reworded', 'second']);
    expect(await t.repos.prompts.remove(p.id)).toBe(true);
    expect(await t.repos.prompts.get(p.id)).toBeNull();
    expect(await t.repos.prompts.edit(p.id, 'gone')).toBeNull();
    await t.repos.brands.remove(brand.id);
  });
});

describe('report jobs', () => {
  it('claims the oldest queued job with the brand inventory, then nothing', async () => {
    const brand = await t.repos.brands.create('Jobs Ltd');
    await t.repos.prompts.create(brand.id, 'p1');
    expect(await t.repos.reports.request('00000000-0000-4000-8000-000000000000')).toBeNull();
    const r1 = must(await t.repos.reports.request(brand.id));
    const r2 = must(await t.repos.reports.request(brand.id));

    const first = await t.repos.reports.claim('w1');
    expect(first.job).toMatchObject({
      id: r1.id,
      attempts: 1,
      maxAttempts: 2,
      brand: { id: brand.id, name: 'Jobs Ltd' },
    });
    expect(first.job?.prompts).toEqual([expect.objectContaining({ text: 'p1', editedAt: null })]);
    expect((await t.repos.reports.claim('w2')).job?.id).toBe(r2.id);
    expect((await t.repos.reports.claim('w3')).job).toBeNull();

    expect(await t.repos.reports.complete(r1.id, 'w2', resultFor(brand))).toEqual({ outcome: 'not_claimed' });
    const done = await t.repos.reports.complete(r1.id, 'w1', resultFor(brand));
    expect(done.outcome).toBe('done');
    const stored = await t.repos.reports.get(r1.id);
    expect(stored).toMatchObject({ status: 'done', brandName: 'Jobs Ltd', claimedBy: 'w1' });
    expect(stored?.result?.brand.name).toBe('Jobs Ltd');
    expect(stored?.finishedAt).toBeInstanceOf(Date);
    expect(await t.repos.reports.complete(r1.id, 'w1', resultFor(brand))).toEqual({ outcome: 'not_claimed' });

    // r2 fails once (re-queued), is claimed again, fails again: with maxAttempts 2 it is failed for good.
    expect((await t.repos.reports.fail(r2.id, 'w2', 'boom')).outcome).toBe('requeued');
    expect(await t.repos.reports.get(r2.id)).toMatchObject({ status: 'queued', claimedBy: null, errorCode: 'boom' });
    const again = await t.repos.reports.claim('w3');
    expect(again.job).toMatchObject({ id: r2.id, attempts: 2 });
    expect((await t.repos.reports.fail(r2.id, 'w3', 'boom')).outcome).toBe('failed');
    expect(await t.repos.reports.get(r2.id)).toMatchObject({ status: 'failed', attempts: 2 });
    expect((await t.repos.reports.claim('w1')).job).toBeNull();
    expect(await t.repos.reports.fail('00000000-0000-4000-8000-000000000000', 'w1', 'x')).toEqual({
      outcome: 'not_found',
    });

    const listed = await t.repos.reports.list({ brandId: brand.id });
    expect(listed.map((r) => r.id)).toEqual([r2.id, r1.id]);
    const summary = (await t.repos.brands.list()).find((b) => b.id === brand.id);
    expect(summary?.lastReport?.id).toBe(r2.id);
    await t.repos.brands.remove(brand.id);
    expect(await t.repos.reports.get(r1.id)).toBeNull();
  });
});
