import type { Sender } from './ports.js';

/** A sender for when no destination is configured: events go nowhere off the machine, only to the local log. */
export function createLocalOnlySender(): Sender {
  return { delivery: 'local-only', send: async () => {} };
}
