import { type ElmoCatalog, elmoCatalog } from '@elmo/elmo-telemetry';
import { type CliPaths, commonProperties, createPreviewPrinter } from '@elmo/elmo-telemetry/node';
import {
  type ConsentDecision,
  createLocalOnlySender,
  createTelemetry,
  type Sender,
  type Telemetry,
  type TraceLogger,
} from '@elmo/telemetry-core';
import { createLocalLog, openSpool } from '@elmo/telemetry-core/node';
import type { CliDeps } from '../deps.js';
import { createRoutedSpoolSender, explicitSpoolPaths } from './spool-routes.js';

// The CLI never sends while a command runs: everything is flushed once, at exit, to the spools.
const FLUSH_AT = 1000;

/** What the client of one run is made of; session.ts decides when it is needed. */
export interface CliClientOptions {
  deps: CliDeps;
  paths: CliPaths;
  consent: () => ConsentDecision;
  identity: () => string | undefined;
  /** A key is configured: events are spooled for the detached sender, else only kept in the local log. */
  hasDestination: boolean;
  preview: boolean;
  /** This run's `session_id`, shared with its tracked events; undefined with an ephemeral identity. */
  sessionId: string | undefined;
  logger: TraceLogger;
  /** Test seam: replaces the spool. */
  sender?: Sender;
}

/**
 * Creates the telemetry client of a CLI run that makes an explicit submission (SPEC §6): the core's client, with the
 * spools as its sender. Tracked events go through the lighter recorder.ts.
 */
export function createCliClient(options: CliClientOptions): Telemetry<ElmoCatalog> {
  const { deps, paths } = options;
  const explicitPaths = explicitSpoolPaths(paths);
  const sender =
    options.sender ??
    (options.hasDestination
      ? createRoutedSpoolSender(elmoCatalog, {
          tracked: openSpool(paths.spoolFile),
          explicit: openSpool(explicitPaths.spoolFile),
        })
      : createLocalOnlySender());
  return createTelemetry({
    catalog: elmoCatalog,
    consent: options.consent,
    identity: options.identity,
    sender,
    common: commonProperties({ source: 'cli', productVersion: deps.productVersion }),
    sessionId: options.sessionId,
    now: deps.now,
    uuid: deps.uuid,
    logger: options.logger,
    localLog: createLocalLog(paths.logFile),
    preview: options.preview ? createPreviewPrinter(deps.stderr) : undefined,
    flushAt: FLUSH_AT,
    flushIntervalMs: 0,
  });
}
