import type { StoredReportResult } from '@elmo/app-shared';
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A brand whose prompts Elmo tracks. */
export const brands = pgTable('brands', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

/** A prompt of a brand; `edited_at` stays null until the text is first changed. */
export const prompts = pgTable(
  'prompts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: uuid('brand_id')
      .notNull()
      .references(() => brands.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    editedAt: timestamptz('edited_at'),
  },
  (t) => [index('prompts_brand_id_idx').on(t.brandId, t.createdAt)],
);

/** Lifecycle of a report job. */
export const reportStatus = pgEnum('report_status', ['queued', 'running', 'done', 'failed']);

/** A report is also its job: queued by the UI, claimed and computed by a worker, then done or failed. */
export const reports = pgTable(
  'reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    brandId: uuid('brand_id')
      .notNull()
      .references(() => brands.id, { onDelete: 'cascade' }),
    status: reportStatus('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    claimedBy: text('claimed_by'),
    claimedAt: timestamptz('claimed_at'),
    errorCode: text('error_code'),
    result: jsonb('result').$type<StoredReportResult>(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    finishedAt: timestamptz('finished_at'),
  },
  (t) => [index('reports_status_created_idx').on(t.status, t.createdAt), index('reports_brand_id_idx').on(t.brandId)],
);

/** Every table, for Drizzle's typed queries. */
export const schema = { brands, prompts, reports, reportStatus };
