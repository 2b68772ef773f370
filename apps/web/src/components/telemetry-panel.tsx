import { elmoCatalog } from '@elmo/elmo-telemetry';
import type { TelemetryPanelState } from '../server/telemetry';
import { ForgetDeployment } from './forget-deployment';
import { TelemetryChart } from './telemetry-chart';
import { TelemetryDelivery } from './telemetry-delivery';
import { TelemetryModeControl } from './telemetry-mode';

const STATUS_LABEL: Record<string, string> = {
  sent: 'sent',
  queued: 'queued',
  dropped: 'dropped',
  preview: 'preview (not sent)',
  local: 'kept local (local mode)',
  'local-only': 'kept local (no destination)',
};

const MODE_LABEL = { on: 'On', local: 'Local only', off: 'Off' } as const;

// The common properties ride on every event; the table shows what is particular to each one.
const COMMON = new Set(Object.keys(elmoCatalog.common));
const particular = (properties: Record<string, unknown> | undefined) =>
  Object.fromEntries(Object.entries(properties ?? {}).filter(([key]) => !COMMON.has(key)));

/**
 * The settings page's telemetry section: the mode control, the decision and why, forgetting the deployment,
 * delivery (queue and spool), what is sent, the last days of the log as a chart, the latest events.
 */
export function TelemetryPanel({ state }: { state: TelemetryPanelState }) {
  return (
    <section className="card" id="telemetry" aria-labelledby="telemetry-heading">
      <h2 id="telemetry-heading">Telemetry</h2>
      <TelemetryModeControl mode={state.mode} lockedBy={state.lockedByText} />
      <dl className="facts">
        <dt>Decision</dt>
        <dd data-testid="telemetry-decision" data-source={state.source}>
          {MODE_LABEL[state.mode]}: {state.reason}
        </dd>
        <dt>Deployment id</dt>
        <dd>
          <code>{state.maskedDeploymentId ?? 'none (this deployment sends nothing)'}</code>
        </dd>
        <dt>Destination</dt>
        <dd>{state.destination}</dd>
        {state.logWrites.failed > 0 ? (
          <>
            <dt>Local log</dt>
            <dd data-testid="telemetry-log-failures">
              {state.logWrites.failed} write{state.logWrites.failed === 1 ? '' : 's'} failed
              {state.logWrites.lastError ? ` (${state.logWrites.lastError})` : ''}; telemetry keeps working
            </dd>
          </>
        ) : null}
        <dt>Setting stored in</dt>
        <dd>
          <code>{state.envFile}</code> (<code className="key">TELEMETRY_MODE</code>,{' '}
          <code className="key">DISABLE_TELEMETRY</code>)
        </dd>
      </dl>
      <ForgetDeployment />
      <TelemetryDelivery delivery={state.delivery} />
      <details>
        <summary>What we send</summary>
        <ul>
          {state.collected.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        <p>Never collected:</p>
        <ul>
          {state.neverCollected.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </details>
      <h3>What was sent</h3>
      <TelemetryChart history={state.history} />
      <p>
        <a href="/api/settings/telemetry/log" download="elmo-telemetry-events.jsonl">
          Download the log (JSONL)
        </a>{' '}
        <span className="muted">every line the deployment recorded, as it is on disk</span>
      </p>
      <h3>Latest events</h3>
      {state.recent.length === 0 ? (
        <p className="muted">No events yet.</p>
      ) : (
        <table className="events">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Properties (besides the common ones)</th>
            </tr>
          </thead>
          <tbody>
            {state.recent.map((entry) => (
              <tr key={entry.uuid}>
                <td>{entry.time.replace('T', ' ').slice(0, 19)}</td>
                <td>
                  <code>{entry.event}</code>
                </td>
                <td>{STATUS_LABEL[entry.status] ?? entry.status}</td>
                <td>
                  <code className="props">{JSON.stringify(particular(entry.properties))}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
