import { asc, eq, sql } from 'drizzle-orm';
import { isUuid } from '../../lib/validation';
import type { Db } from '../db/database';
import { brands, prompts } from '../db/schema';

/** A prompt row. */
export type Prompt = typeof prompts.$inferSelect;

/** Prompts of a brand: list, get, create, edit, delete. */
export function createPromptRepository(db: Db) {
  return {
    /** A brand's prompts, oldest first. */
    async listByBrand(brandId: string): Promise<Prompt[]> {
      if (!isUuid(brandId)) return [];
      return db
        .select()
        .from(prompts)
        .where(eq(prompts.brandId, brandId))
        .orderBy(asc(prompts.createdAt), asc(prompts.id));
    },

    /** The prompt, or null when the id names none. */
    async get(id: string): Promise<Prompt | null> {
      if (!isUuid(id)) return null;
      const [row] = await db.select().from(prompts).where(eq(prompts.id, id));
      return row ?? null;
    },

    /** Adds a prompt to a brand; null when the brand does not exist. */
    async create(brandId: string, text: string): Promise<Prompt | null> {
      if (!isUuid(brandId)) return null;
      // One statement, so a brand deleted meanwhile yields "not found" rather than a foreign-key error.
      const [row] = await db
        .insert(prompts)
        .select(
          db
            .select({
              id: sql`gen_random_uuid()`.as('id'),
              brandId: brands.id,
              text: sql`${text}`.as('text'),
              createdAt: sql`now()`.as('created_at'),
              editedAt: sql`null::timestamptz`.as('edited_at'),
            })
            .from(brands)
            .where(eq(brands.id, brandId)),
        )
        .returning();
      return row ?? null;
    },

    /**
     * Replaces a prompt's text; null when it does not exist. `changed` is false when the text was already that,
     * in which case the last edit time is kept.
     */
    async edit(id: string, text: string): Promise<{ prompt: Prompt; changed: boolean } | null> {
      if (!isUuid(id)) return null;
      const [changed] = await db
        .update(prompts)
        .set({ text, editedAt: sql`now()` })
        .where(sql`${prompts.id} = ${id} and ${prompts.text} is distinct from ${text}`)
        .returning();
      if (changed) return { prompt: changed, changed: true };
      const current = await this.get(id);
      return current ? { prompt: current, changed: false } : null;
    },

    /** Deletes a prompt; false when it did not exist. */
    async remove(id: string): Promise<boolean> {
      if (!isUuid(id)) return false;
      const rows = await db.delete(prompts).where(eq(prompts.id, id)).returning({ id: prompts.id });
      return rows.length > 0;
    },
  };
}

/** The prompt repository's interface. */
export type PromptRepository = ReturnType<typeof createPromptRepository>;
