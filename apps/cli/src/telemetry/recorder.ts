import { elmoCatalog } from '@elmo/elmo-telemetry';
import { type CliPaths, commonProperties, createPreviewPrinter } from '@elmo/elmo-telemetry/node';
import {
  type ConsentDecision,
  createEventBuilder,
  createLocalLogRecorder,
  createLocalOnlySender,
  createTraceGuard,
  loggedAs,
  type OutgoingEvent,
  type Sender,
  type TraceLogger,
} from '@elmo/telemetry-core';
import { createLocalLog, openSpool } from '@elmo/telemetry-core/node';
import type { CliDeps } from '../deps.js';

/** What the recorder of one run is made of (and the client's, client.ts); session.ts decides when each is needed. */
export interface CliRecorderOptions {
  deps: Pick<CliDeps, 'productVersion' | 'uuid' | 'stderr' | 'now'>;
  paths: CliPaths;
  identity: () => string | undefined;
  /**
   * A key is configured: events are spooled for the detached sender, else only kept in the local log. Asked when
   * the events are handed over (the session answers it from the consent question it asks at exit).
   */
  hasDestination: () => boolean;
  preview: boolean;
  /** This run's `session_id`, shared with its explicit submissions; undefined with an ephemeral identity. */
  sessionId: string | undefined;
  logger: TraceLogger;
  /** Test seam: replaces the spool. */
  sender?: Sender;
}

/** Records the tracked events of one CLI run. */
export interface CliRecorder {
  /** Builds the event `name` tracked at `at` under `decision` (on, or local only), through the catalog's rules. */
  track(name: string, properties: Record<string, unknown> | undefined, at: number, decision: ConsentDecision): void;
  /**
   * Hands what was tracked to the spool (or keeps it local) and writes the local log. `enabled` is consent asked
   * again at exit: events tracked before a withdrawal in the same run are dropped, never spooled. Never rejects.
   */
  finish(enabled: boolean): Promise<void>;
}

/**
 * The CLI's recorder of tracked events. A run tracks one event or two and exits, so it needs none of the core's
 * client (a queue, a flush scheduler, a consent watcher, deadline timers): events are built by the core's event
 * builder (the same rules as every client), kept in an array, and at exit appended to the spool in one write and
 * logged in one local-log write (DESIGN §5: telemetry costs a command nothing). Explicit submissions go through
 * the core's client (client.ts).
 */
export function createCliRecorder(options: CliRecorderOptions): CliRecorder {
  const { deps, logger } = options;
  const log = createLocalLogRecorder({
    // Written once, by finish(): no timer.
    localLog: createLocalLog(options.paths.logFile, undefined, { writeOnFlushOnly: true }),
    now: deps.now,
    guard: createTraceGuard(logger),
  });
  const builder = createEventBuilder({
    catalog: elmoCatalog,
    common: commonProperties({ source: 'cli', productVersion: deps.productVersion }),
    sessionId: options.sessionId,
    identity: options.identity,
    uuid: deps.uuid,
    logger,
    record: (event, status, reason) => log.record([event], status, reason),
  });
  const preview = options.preview ? createPreviewPrinter(deps.stderr) : undefined;
  const pending: OutgoingEvent[] = [];

  const sender = (): Sender => {
    if (options.sender) return options.sender;
    if (!options.hasDestination()) return createLocalOnlySender();
    const spool = openSpool(options.paths.spoolFile);
    return { delivery: 'spooled', send: async (events) => spool.append(events) };
  };

  return {
    track(name, properties, at, decision) {
      try {
        const event = builder.build(name, properties, at, !decision.enabled && decision.mode === 'local');
        if (!event) return;
        if (!preview) {
          pending.push(event);
          logger.trace('telemetry: enqueued', { event: event.event, queued: pending.length });
          return;
        }
        preview(event);
        log.record([event], 'preview');
      } catch (error) {
        logger.trace('telemetry: track failed', { error: String(error) });
      }
    },
    async finish(enabled) {
      if (pending.length > 0) {
        if (!enabled) {
          log.record(pending, 'dropped', 'consent withdrawn');
        } else {
          const target = sender();
          try {
            await target.send(pending);
            log.record(pending, loggedAs(target));
            logger.trace('telemetry: spooled', { count: pending.length });
          } catch (error) {
            logger.trace('telemetry: events could not be spooled', { error: String(error) });
            log.record(pending, 'dropped', 'the spool could not be written');
          }
        }
      }
      log.flush();
    },
  };
}
