import type { Db } from '../db/database';
import { createBrandRepository } from './brands';
import { createPromptRepository } from './prompts';
import { createReportRepository, type JobPolicy } from './reports';

/** All repositories over one database. */
export function createRepositories(db: Db, jobPolicy?: JobPolicy) {
  return {
    brands: createBrandRepository(db),
    prompts: createPromptRepository(db),
    reports: createReportRepository(db, jobPolicy),
  };
}

/** The repositories the app and tests use. */
export type Repositories = ReturnType<typeof createRepositories>;
