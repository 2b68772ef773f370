import { asc, count, desc, eq, sql } from 'drizzle-orm';
import { isUuid } from '../../lib/validation';
import type { Db } from '../db/database';
import { brands, prompts, reports } from '../db/schema';

/** A brand row. */
export type Brand = typeof brands.$inferSelect;

/** A brand as the dashboard lists it. */
export interface BrandSummary extends Brand {
  promptCount: number;
  lastReport: { id: string; status: string; createdAt: Date } | null;
}

/** Counts the telemetry totals are made of. */
export interface Totals {
  brands_total: number;
  prompts_total: number;
}

/** Brands: list with counts, get, create, rename, delete. */
export function createBrandRepository(db: Db) {
  return {
    /** Every brand by name, with its prompt count and latest report. */
    async list(): Promise<BrandSummary[]> {
      const counts = db
        .select({ brandId: prompts.brandId, n: count().as('n') })
        .from(prompts)
        .groupBy(prompts.brandId)
        .as('counts');
      const rows = await db
        .select({ brand: brands, promptCount: sql<number>`coalesce(${counts.n}, 0)`.mapWith(Number) })
        .from(brands)
        .leftJoin(counts, eq(counts.brandId, brands.id))
        .orderBy(asc(sql`lower(${brands.name})`), asc(brands.createdAt));
      const latest = await db
        .selectDistinctOn([reports.brandId], {
          brandId: reports.brandId,
          id: reports.id,
          status: reports.status,
          createdAt: reports.createdAt,
        })
        .from(reports)
        .orderBy(reports.brandId, desc(reports.createdAt));
      const byBrand = new Map(latest.map(({ brandId, ...report }) => [brandId, report]));
      return rows.map(({ brand, promptCount }) => ({
        ...brand,
        promptCount,
        lastReport: byBrand.get(brand.id) ?? null,
      }));
    },

    /** The brand, or null when the id names none. */
    async get(id: string): Promise<Brand | null> {
      if (!isUuid(id)) return null;
      const [row] = await db.select().from(brands).where(eq(brands.id, id));
      return row ?? null;
    },

    /** Creates a brand; the name is already validated. */
    async create(name: string): Promise<Brand> {
      const [row] = await db.insert(brands).values({ name }).returning();
      if (!row) throw new Error('insert returned no row');
      return row;
    },

    /** Renames a brand; null when it does not exist. */
    async rename(id: string, name: string): Promise<Brand | null> {
      if (!isUuid(id)) return null;
      const [row] = await db.update(brands).set({ name, updatedAt: sql`now()` }).where(eq(brands.id, id)).returning();
      return row ?? null;
    },

    /** Deletes a brand with its prompts and reports; false when it did not exist. */
    async remove(id: string): Promise<boolean> {
      if (!isUuid(id)) return false;
      const rows = await db.delete(brands).where(eq(brands.id, id)).returning({ id: brands.id });
      return rows.length > 0;
    },

    /** How many brands and prompts exist. */
    async totals(): Promise<Totals> {
      const [b] = await db.select({ n: count() }).from(brands);
      const [p] = await db.select({ n: count() }).from(prompts);
      return { brands_total: b?.n ?? 0, prompts_total: p?.n ?? 0 };
    },
  };
}

/** The brand repository's interface. */
export type BrandRepository = ReturnType<typeof createBrandRepository>;
