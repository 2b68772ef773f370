import { join } from 'node:path';
import type { ElmoCatalog } from '@elmo/elmo-telemetry';
import type { CliPaths } from '@elmo/elmo-telemetry/node';
import type { EventSpec, OutgoingEvent, Sender } from '@elmo/telemetry-core';
import type { Spool } from '@elmo/telemetry-core/node';

/** The explicit submission's own spool and sender slot, beside the telemetry spool. */
export interface ExplicitSpoolPaths {
  spoolFile: string;
  senderPidFile: string;
}

/**
 * Explicit submissions (the newsletter signup) get their own spool so that sending one while telemetry is
 * disabled never carries along tracked events that were spooled before consent was withdrawn.
 */
export function explicitSpoolPaths(paths: CliPaths): ExplicitSpoolPaths {
  return {
    spoolFile: join(paths.stateDir, 'explicit-spool.jsonl'),
    senderPidFile: join(paths.stateDir, 'explicit-sender.pid'),
  };
}

/** A sender that appends tracked events to one spool and explicit submissions to the other. */
export function createRoutedSpoolSender(catalog: ElmoCatalog, spools: { tracked: Spool; explicit: Spool }): Sender {
  const isExplicit = (event: OutgoingEvent) =>
    (catalog.events as Record<string, EventSpec | undefined>)[event.event]?.explicit === true;
  return {
    delivery: 'spooled',
    async send(events) {
      spools.explicit.append(events.filter(isExplicit));
      spools.tracked.append(events.filter((event) => !isExplicit(event)));
    },
  };
}
