import type { OutgoingEvent } from '../envelope.js';
import type { Sender } from '../ports.js';

/** An in-memory sender for tests and for adopters' own tests: keeps every batch it is given. */
export interface MemorySender extends Sender {
  batches: OutgoingEvent[][];
  readonly events: OutgoingEvent[];
  /** The next `times` sends reject, with `error` (default: a plain, retryable Error). */
  failNext(times?: number, error?: Error): void;
}

/** Creates a MemorySender. */
export function createMemorySender(): MemorySender {
  let failures = 0;
  let failure: Error | undefined;
  const batches: OutgoingEvent[][] = [];
  return {
    batches,
    get events() {
      return batches.flat();
    },
    failNext(times = 1, error?: Error) {
      failures = times;
      failure = error;
    },
    async send(events) {
      if (failures > 0) {
        failures -= 1;
        throw failure ?? new Error('memory sender: simulated failure');
      }
      batches.push([...events]);
    },
  };
}
