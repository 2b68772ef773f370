import { existsSync } from 'node:fs';
import { databaseUrlProblem, describeError } from '@elmo/app-shared';
import { type Database, openDatabase } from './db/database';
import { readWebEnv, type WebEnv } from './env';
import { createRepositories, type Repositories } from './repositories';
import { createInertWebTelemetry, createWebTelemetry, type WebTelemetry } from './telemetry';
import { type DeploymentTelemetryHooks, guardTelemetryHooks, noopTelemetryHooks } from './telemetry-hooks';

/** Everything a request needs: configuration, database, repositories, telemetry hooks. */
export interface WebRuntime {
  env: WebEnv;
  database: Database;
  repos: Repositories;
  hooks: DeploymentTelemetryHooks;
  /** Telemetry state and controls for the settings page, the layout and /ingest. */
  telemetry: WebTelemetry;
  /** Reports the current brand/prompt totals to the hooks. */
  reportTotals(): Promise<void>;
}

/** A start-up failure with a one-line explanation for the operator. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

// Next compiles instrumentation, pages and route handlers into separate bundles, each with its own copy of this
// module, so the runtime lives on globalThis: one database (one PGlite!) per process, whoever asks first.
const SLOT = Symbol.for('elmo.web.runtime');
type Slot = { runtime?: Promise<WebRuntime>; stopped?: Promise<void> };

function slot(): Slot {
  const global = globalThis as typeof globalThis & { [SLOT]?: Slot };
  global[SLOT] ??= {};
  return global[SLOT];
}

/** Assembles a runtime around an open, migrated database; tests may pass plain hooks instead of telemetry. */
export function createWebRuntime(parts: {
  env: WebEnv;
  database: Database;
  telemetry?: WebTelemetry;
  hooks?: DeploymentTelemetryHooks;
}): WebRuntime {
  const repos = createRepositories(parts.database.db);
  const telemetry = parts.telemetry ?? createInertWebTelemetry(parts.hooks ?? noopTelemetryHooks);
  const hooks = guardTelemetryHooks(telemetry);
  return {
    env: parts.env,
    database: parts.database,
    repos,
    hooks,
    telemetry,
    async reportTotals() {
      hooks.totals(await repos.brands.totals());
    },
  };
}

async function startRuntime(env: WebEnv): Promise<WebRuntime> {
  if (!existsSync(env.migrationsDir)) {
    throw new StartupError(`migrations not found in ${env.migrationsDir}; run next start from apps/web`);
  }
  const urlProblem = env.databaseUrl ? databaseUrlProblem(env.databaseUrl) : undefined;
  if (urlProblem) {
    throw new StartupError(`DATABASE_URL ${urlProblem}; leave it unset to use the embedded database`);
  }
  const database = await openDatabase(env);
  try {
    await database.migrate(env.migrationsDir);
  } catch (error) {
    await database.close().catch(() => undefined);
    const where = env.databaseUrl
      ? ` (the PostgreSQL database of DATABASE_URL, ${describeDatabaseUrl(env.databaseUrl)})`
      : '';
    throw new StartupError(`database migration failed${where}: ${describeError(error)}`, { cause: error });
  }
  return createWebRuntime({ env, database, telemetry: createWebTelemetry(env) });
}

/** Makes `runtime` the process's runtime (tests call route handlers in-process this way). */
export function provideRuntime(runtime: WebRuntime): void {
  const s = slot();
  s.runtime = Promise.resolve(runtime);
  s.stopped = undefined;
}

/** The process's runtime, started (database opened and migrated) on first use. */
export function getRuntime(): Promise<WebRuntime> {
  const s = slot();
  s.runtime ??= startRuntime(readWebEnv());
  return s.runtime;
}

/** Lets telemetry flush (hooks.shutdown), then closes the database; idempotent. */
export function stopRuntime(): Promise<void> {
  const s = slot();
  const runtime = s.runtime;
  if (!runtime) return Promise.resolve();
  s.stopped ??= runtime.then(
    async (rt) => {
      await rt.hooks.shutdown();
      await rt.database.close();
    },
    () => undefined, // It never started, so there is nothing to close.
  );
  return s.stopped;
}

/** Where a PostgreSQL URL points, without its user name or password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
  } catch {
    return 'an unparsable URL';
  }
}
