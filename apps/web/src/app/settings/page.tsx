import type { Metadata } from 'next';
import { getRuntime } from '../../server/runtime';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Settings' };

// Shows where PostgreSQL is without ever showing its password.
function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
  } catch {
    return 'configured by DATABASE_URL';
  }
}

/** Settings: where this deployment keeps its data, and (filled in by telemetry) the telemetry choice. */
export default async function SettingsPage() {
  const { env, database } = await getRuntime();
  return (
    <>
      <h1>Settings</h1>

      <section className="card" aria-labelledby="deployment-heading">
        <h2 id="deployment-heading">Deployment</h2>
        <dl className="facts">
          <dt>Deployment folder</dt>
          <dd>
            <code>{env.home}</code>
          </dd>
          <dt>Database</dt>
          <dd>
            {database.mode === 'pglite' ? (
              <>
                Embedded PGlite in <code>{env.dataDir}</code>
              </>
            ) : (
              <>
                PostgreSQL at <code>{describeDatabaseUrl(env.databaseUrl ?? '')}</code>
              </>
            )}
          </dd>
          <dt>Worker access</dt>
          <dd>
            {env.internalToken
              ? 'Enabled: the worker authenticates with ELMO_INTERNAL_TOKEN.'
              : 'Disabled: ELMO_INTERNAL_TOKEN is not set, so no worker can run reports.'}
          </dd>
        </dl>
      </section>

      {/* TELEMETRY PLACEHOLDER — the telemetry integration replaces this section (switch, status, latest events). */}
      <section className="card" id="telemetry" aria-labelledby="telemetry-heading" data-placeholder="telemetry">
        <h2 id="telemetry-heading">Telemetry</h2>
        <p className="placeholder">Telemetry settings will appear here.</p>
      </section>
    </>
  );
}
