import type { DeliveryStatus } from '@elmo/elmo-telemetry/deployment';

// One fixed locale: the page is rendered on the server, and "1,000" must not depend on the server's locale.
const count = new Intl.NumberFormat('en-US');
const n = (value: number) => count.format(value);

/** The telemetry panel's delivery section: the queue and spool bounds, what waits in them, and every drop. */
export function TelemetryDelivery({ delivery }: { delivery: DeliveryStatus }) {
  const { queue, spool, failedAttempts, refused } = delivery;
  return (
    <>
      <h3>Delivery</h3>
      <dl className="facts" data-testid="telemetry-delivery">
        <dt>Queue</dt>
        <dd data-testid="telemetry-delivery-queue">
          {n(queue.pending)} of {n(queue.capacity)} waiting · {n(queue.dropped)} dropped (queue full)
        </dd>
        {failedAttempts > 0 ? (
          <>
            <dt>Sending</dt>
            <dd data-testid="telemetry-delivery-retrying">
              Retrying after {n(failedAttempts)} failed attempt{failedAttempts === 1 ? '' : 's'}
            </dd>
          </>
        ) : null}
        {refused > 0 ? (
          <>
            <dt>Refused by the endpoint</dt>
            <dd data-testid="telemetry-delivery-refused">
              {n(refused)} event{refused === 1 ? '' : 's'}
            </dd>
          </>
        ) : null}
        <dt>Kept for the next start</dt>
        <dd data-testid="telemetry-delivery-spool">
          {n(spool.pending)} of {n(spool.capacity)} · {n(spool.dropped)} dropped (spool full)
        </dd>
      </dl>
    </>
  );
}
