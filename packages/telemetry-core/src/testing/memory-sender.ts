import type { OutgoingEvent } from '../envelope.js';
import type { Sender } from '../ports.js';

/** An in-memory sender for tests and for adopters' own tests: keeps every batch it is given. */
export interface MemorySender extends Sender {
  batches: OutgoingEvent[][];
  readonly events: OutgoingEvent[];
  /** Makes the next `send` calls reject, to exercise failure paths. */
  failNext(times?: number): void;
}

/** Creates a MemorySender. */
export function createMemorySender(): MemorySender {
  let failures = 0;
  const batches: OutgoingEvent[][] = [];
  return {
    batches,
    get events() {
      return batches.flat();
    },
    failNext(times = 1) {
      failures = times;
    },
    async send(events) {
      if (failures > 0) {
        failures -= 1;
        throw new Error('memory sender: simulated failure');
      }
      batches.push([...events]);
    },
  };
}
