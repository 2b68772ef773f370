import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { acquireLock } from './lock-file';
import { schema } from './schema';

/** Drizzle database over either driver; repositories only see this. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** An open database with its driver's migrate and close. */
export interface Database {
  db: Db;
  mode: 'pglite' | 'postgres';
  migrate(migrationsDir: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens the embedded PGlite in `<dataDir>/pglite`, holding `<dataDir>/web.lock` until close. */
export async function openPglite(dataDir: string): Promise<Database> {
  const lock = acquireLock(join(dataDir, 'web.lock'));
  try {
    const client = await PGlite.create(join(dataDir, 'pglite'));
    const db = drizzlePglite({ client, schema });
    return {
      db: db as unknown as Db,
      mode: 'pglite',
      migrate: (migrationsFolder) => migratePglite(db, { migrationsFolder }),
      async close() {
        try {
          await client.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

// Any constant works; it only has to be the same for every Elmo web server migrating this database.
const MIGRATION_LOCK_KEY = 7_424_242;

/** Connects to PostgreSQL through a node-postgres pool. */
export async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection dropped by the server (restart, failover) must not crash the process; the pool reconnects.
  pool.on('error', (error) => console.error(`elmo-web: PostgreSQL connection lost: ${error.message}`));
  const db = drizzlePg({ client: pool, schema });
  return {
    db: db as unknown as Db,
    mode: 'postgres',
    async migrate(migrationsFolder) {
      // Several web servers may share one PostgreSQL; an advisory lock on one connection serialises migrations.
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        await migratePg(drizzlePg({ client, schema }), { migrationsFolder });
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Opens PostgreSQL when a URL is given, else the embedded PGlite of the data folder. */
export function openDatabase(options: { databaseUrl: string | null; dataDir: string }): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.dataDir);
}
