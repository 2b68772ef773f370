import type { Metadata } from 'next';
import { TelemetryPanel } from '../../components/telemetry-panel';
import { describeDatabaseUrl, getRuntime } from '../../server/runtime';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Settings' };

/** Settings: where this deployment keeps its data, and the telemetry choice. */
export default async function SettingsPage() {
  const { env, database, telemetry } = await getRuntime();
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

      <TelemetryPanel state={telemetry.panel()} />
    </>
  );
}
