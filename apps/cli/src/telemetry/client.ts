import { type ElmoCatalog, elmoCatalog } from '@elmo/elmo-telemetry';
import { commonProperties, createPreviewPrinter } from '@elmo/elmo-telemetry/node';
import { type ConsentDecision, createLocalOnlySender, createTelemetry, type Telemetry } from '@elmo/telemetry-core';
import { createLocalLog, openSpool } from '@elmo/telemetry-core/node';
import type { CliRecorderOptions } from './recorder.js';
import { createRoutedSpoolSender, explicitSpoolPaths } from './spool-routes.js';

// The CLI never sends while a command runs: everything is flushed once, at exit, to the spools.
const FLUSH_AT = 1000;

/** What the client of one run is made of: what the recorder is made of, and consent (asked before each send). */
export interface CliClientOptions extends CliRecorderOptions {
  consent: () => ConsentDecision;
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
    (options.hasDestination()
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
