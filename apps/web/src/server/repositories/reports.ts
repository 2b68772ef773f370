import type { ClaimedJob, ReportResult } from '@elmo/app-shared';
import { and, asc, desc, eq, or, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { isUuid } from '../../lib/validation';
import type { Db } from '../db/database';
import { brands, prompts, reports } from '../db/schema';

/** A report row. */
export type Report = typeof reports.$inferSelect;

/** A report with its brand's name, as pages show it. */
export type ReportWithBrand = Report & { brandName: string };

/** Result of complete/fail: what happened to the job, or why nothing did. */
export type JobUpdate =
  | { outcome: 'done' | 'requeued' | 'failed'; report: Report }
  | { outcome: 'not_found' }
  | { outcome: 'not_claimed' };

/** Job limits: how often a job is tried, and how long a claim lasts before another worker may take it. */
export interface JobPolicy {
  maxAttempts: number;
  leaseSeconds: number;
}

/** Three tries; a worker that vanished mid-job releases it after two minutes. */
export const defaultJobPolicy: JobPolicy = { maxAttempts: 3, leaseSeconds: 120 };

const withBrand = { report: reports, brandName: brands.name };

/** Reports and their jobs: request, list, get, and the worker's claim / complete / fail. */
export function createReportRepository(db: Db, policy: JobPolicy = defaultJobPolicy) {
  const leaseExpired = sql`${reports.claimedAt} < now() - make_interval(secs => ${policy.leaseSeconds})`;

  async function finishClaimed(id: string, workerId: string, set: PgUpdateSetSource<typeof reports>) {
    const [row] = await db
      .update(reports)
      .set({ ...set, updatedAt: sql`now()` })
      .where(and(eq(reports.id, id), eq(reports.status, 'running'), eq(reports.claimedBy, workerId)))
      .returning();
    return row;
  }

  async function missingOrUnclaimed(id: string): Promise<JobUpdate> {
    const [row] = await db.select({ id: reports.id }).from(reports).where(eq(reports.id, id));
    return row ? { outcome: 'not_claimed' } : { outcome: 'not_found' };
  }

  return {
    /** Queues a report for a brand; null when the brand does not exist. */
    async request(brandId: string): Promise<Report | null> {
      if (!isUuid(brandId)) return null;
      const [brand] = await db.select({ id: brands.id }).from(brands).where(eq(brands.id, brandId));
      if (!brand) return null;
      const [row] = await db.insert(reports).values({ brandId }).returning();
      return row ?? null;
    },

    /** The report with its brand's name, or null. */
    async get(id: string): Promise<ReportWithBrand | null> {
      if (!isUuid(id)) return null;
      const [row] = await db
        .select(withBrand)
        .from(reports)
        .innerJoin(brands, eq(brands.id, reports.brandId))
        .where(eq(reports.id, id));
      return row ? { ...row.report, brandName: row.brandName } : null;
    },

    /** The latest reports, optionally of one brand. */
    async list(options: { brandId?: string; limit?: number } = {}): Promise<ReportWithBrand[]> {
      if (options.brandId !== undefined && !isUuid(options.brandId)) return [];
      const rows = await db
        .select(withBrand)
        .from(reports)
        .innerJoin(brands, eq(brands.id, reports.brandId))
        .where(options.brandId ? eq(reports.brandId, options.brandId) : undefined)
        .orderBy(desc(reports.createdAt), desc(reports.id))
        .limit(options.limit ?? 20);
      return rows.map((row) => ({ ...row.report, brandName: row.brandName }));
    },

    /**
     * Claims the oldest job that is queued (or whose worker's lease ran out) for `workerId`, with the brand's
     * prompts. `FOR UPDATE SKIP LOCKED` lets concurrent workers on PostgreSQL take disjoint jobs; PGlite runs
     * transactions one at a time, so there it is simply serial. `expired` counts jobs given up on meanwhile.
     */
    async claim(workerId: string): Promise<{ job: ClaimedJob | null; expired: number }> {
      return db.transaction(async (tx) => {
        const expired = await tx
          .update(reports)
          .set({ status: 'failed', errorCode: 'lease_expired', finishedAt: sql`now()`, updatedAt: sql`now()` })
          .where(and(eq(reports.status, 'running'), leaseExpired, sql`${reports.attempts} >= ${policy.maxAttempts}`))
          .returning({ id: reports.id });
        const [candidate] = await tx
          .select({ id: reports.id })
          .from(reports)
          .where(or(eq(reports.status, 'queued'), and(eq(reports.status, 'running'), leaseExpired)))
          .orderBy(asc(reports.createdAt), asc(reports.id))
          .limit(1)
          .for('update', { skipLocked: true });
        if (!candidate) return { job: null, expired: expired.length };
        const [job] = await tx
          .update(reports)
          .set({
            status: 'running',
            attempts: sql`${reports.attempts} + 1`,
            claimedBy: workerId,
            claimedAt: sql`now()`,
            updatedAt: sql`now()`,
          })
          .where(eq(reports.id, candidate.id))
          .returning();
        if (!job) throw new Error('claimed job vanished inside its transaction');
        const [brand] = await tx
          .select({ id: brands.id, name: brands.name })
          .from(brands)
          .where(eq(brands.id, job.brandId));
        if (!brand) throw new Error('job without brand despite the foreign key');
        const rows = await tx
          .select()
          .from(prompts)
          .where(eq(prompts.brandId, brand.id))
          .orderBy(asc(prompts.createdAt), asc(prompts.id));
        return {
          expired: expired.length,
          job: {
            id: job.id,
            attempts: job.attempts,
            maxAttempts: policy.maxAttempts,
            brand,
            prompts: rows.map((p) => ({
              id: p.id,
              text: p.text,
              createdAt: p.createdAt.toISOString(),
              editedAt: p.editedAt?.toISOString() ?? null,
            })),
          },
        };
      });
    },

    /** Stores a claimed job's result and marks it done. */
    async complete(id: string, workerId: string, result: ReportResult): Promise<JobUpdate> {
      if (!isUuid(id)) return { outcome: 'not_found' };
      const row = await finishClaimed(id, workerId, {
        status: 'done',
        result,
        errorCode: null,
        finishedAt: sql`now()`,
      });
      return row ? { outcome: 'done', report: row } : missingOrUnclaimed(id);
    },

    /** Records a claimed job's failure: queued again while attempts remain, else failed for good. */
    async fail(id: string, workerId: string, errorCode: string): Promise<JobUpdate> {
      if (!isUuid(id)) return { outcome: 'not_found' };
      const final = sql`${reports.attempts} >= ${policy.maxAttempts}`;
      const row = await finishClaimed(id, workerId, {
        status: sql`case when ${final} then 'failed'::report_status else 'queued'::report_status end`,
        errorCode,
        claimedBy: null,
        claimedAt: null,
        finishedAt: sql`case when ${final} then now() else null end`,
      });
      if (!row) return missingOrUnclaimed(id);
      return { outcome: row.status === 'failed' ? 'failed' : 'requeued', report: row };
    },
  };
}

/** The report repository's interface. */
export type ReportRepository = ReturnType<typeof createReportRepository>;
