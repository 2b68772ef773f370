import type { PreparingSender } from './telemetry.js';

/**
 * Leases of one sender for several telemetry clients of a process (the server's own and the browser's). Each
 * client shuts down on its own and closes its lease; the sender itself closes (aborting what is in flight) only
 * when the last lease closes, so a client that finished early never cuts off another client's last batch.
 */
export function leaseSender(sender: PreparingSender, count: number): PreparingSender[] {
  let open = count;
  return Array.from({ length: count }, () => {
    let closed = false;
    return {
      delivery: sender.delivery,
      send: (events) => sender.send(events),
      prepare: (events) => sender.prepare?.(events),
      stopRetrying: () => sender.stopRetrying?.(),
      async close() {
        if (closed) return;
        closed = true;
        open -= 1;
        if (open === 0) await sender.close?.();
      },
    };
  });
}
