import { join } from 'node:path';
import { createTempDir } from '@elmo/test-support';
import { type Database, openPglite, openPostgres } from '../../src/server/db/database';
import { createRepositories, type Repositories } from '../../src/server/repositories';
import type { JobPolicy } from '../../src/server/repositories/reports';

/** The committed migrations, as `next start` applies them. */
export const migrationsDir = join(import.meta.dirname, '..', '..', 'drizzle');

/** A migrated database with repositories; close() also removes a temp folder it created. */
export interface TestDatabase {
  database: Database;
  repos: Repositories;
  close(): Promise<void>;
}

/** Opens a migrated PGlite in a fresh temp folder. */
export async function openTestPglite(jobPolicy?: JobPolicy): Promise<TestDatabase> {
  const dir = createTempDir('elmo-pglite-');
  const database = await openPglite(join(dir.path, 'data'));
  await database.migrate(migrationsDir);
  return {
    database,
    repos: createRepositories(database.db, jobPolicy),
    async close() {
      await database.close();
      dir.remove();
    },
  };
}

/** Opens a migrated PostgreSQL database at `url`. */
export async function openTestPostgres(url: string, jobPolicy?: JobPolicy): Promise<TestDatabase> {
  const database = await openPostgres(url);
  await database.migrate(migrationsDir);
  return { database, repos: createRepositories(database.db, jobPolicy), close: () => database.close() };
}
