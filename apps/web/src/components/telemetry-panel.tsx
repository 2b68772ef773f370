import { elmoCatalog } from '@elmo/elmo-telemetry';
import type { TelemetryPanelState } from '../server/telemetry';
import { TelemetryDelivery } from './telemetry-delivery';
import { TelemetrySwitch } from './telemetry-switch';

const STATUS_LABEL: Record<string, string> = {
  sent: 'sent',
  queued: 'queued',
  dropped: 'dropped',
  preview: 'preview (not sent)',
  'local-only': 'kept local',
};

// The common properties ride on every event; the table shows what is particular to each one.
const COMMON = new Set(Object.keys(elmoCatalog.common));
const particular = (properties: Record<string, unknown> | undefined) =>
  Object.fromEntries(Object.entries(properties ?? {}).filter(([key]) => !COMMON.has(key)));

/**
 * The settings page's telemetry section: the switch, the decision and why, delivery (queue and spool), what is
 * sent, the latest events.
 */
export function TelemetryPanel({ state }: { state: TelemetryPanelState }) {
  return (
    <section className="card" id="telemetry" aria-labelledby="telemetry-heading">
      <h2 id="telemetry-heading">Telemetry</h2>
      <TelemetrySwitch enabled={state.enabled} lockedBy={state.lockedByText} />
      <dl className="facts">
        <dt>Decision</dt>
        <dd data-testid="telemetry-decision" data-source={state.source}>
          {state.enabled ? 'On' : state.mode === 'local' ? 'Local only' : 'Off'}: {state.reason}
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
          <code>{state.envFile}</code> (<code>DISABLE_TELEMETRY</code>)
        </dd>
      </dl>
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
