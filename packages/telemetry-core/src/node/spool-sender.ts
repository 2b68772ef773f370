import type { Sender } from '../ports.js';
import type { Spool } from './spool.js';

/** A sender that only appends to the disk spool; the detached sender delivers (and logs) later. */
export function createSpoolSender(spool: Spool): Sender {
  return {
    delivery: 'spooled',
    send: async (events) => spool.append(events),
  };
}
