import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type CliPaths, type Destination, ELMO_CONSENT_NAMES } from '@elmo/elmo-telemetry/node';
import {
  type ConsentResolver,
  consentEnv,
  DEFAULT_SENDER_BATCH_EVENTS,
  EXPLICIT_RETRY_BOUNDS,
  startDetachedSender,
} from '@elmo/telemetry-core/node';
import type { Env } from '../deps.js';
import { explicitSpoolPaths } from './spool-routes.js';

/**
 * The detached sender's entry: the file the installed @elmo/telemetry-core ships beside its node layer. The core
 * finds it from its own module URL, which no longer points into the package once the CLI is bundled (dist/), so
 * the CLI resolves the package itself and hands this function over (asked only when a sender starts).
 */
export function senderEntry(): string {
  // require.resolve rather than import.meta.resolve: the bundle is CommonJS. The package's exports answer both.
  const nodeLayer = createRequire(import.meta.url).resolve('@elmo/telemetry-core/node');
  return join(dirname(nodeLayer), 'spool', 'sender-process.js');
}

/** What starting the senders at exit needs from the session. */
export interface StartSendersOptions {
  env: Env;
  paths: CliPaths;
  destination: Destination;
  resolver: ConsentResolver;
  enabled: boolean;
  capMs: number;
  /** No second sender for tracked events within this long, unless a batch or a minute-old event waits (SPEC §7). */
  intervalMs: number;
  trace: boolean;
}

/**
 * Starts a detached sender for each spool that has events: the telemetry spool only while consent is on and a
 * sender is due (none started in the last `intervalMs`, 20 events waiting, or one queued `intervalMs` ago), the
 * explicit submissions' spool at once and whatever the consent (SPEC §6, §7). Loaded only when there is something
 * to send.
 */
export function startCliSenders(options: StartSendersOptions): void {
  const { env, paths, destination, resolver } = options;
  const explicitPaths = explicitSpoolPaths(paths);
  // Resolved only if a sender starts: most runs start none (the throttle), and resolving the package costs ms.
  const entry = senderEntry;
  const common = { host: destination.host, apiKey: destination.apiKey, capMs: options.capMs };
  // Disabled: tracked events already spooled stay put and no sender starts for them (SPEC §3 "inert").
  if (options.enabled) {
    startDetachedSender(
      {
        ...common,
        // The sender asks the same rules before every batch, from the same places (SPEC §7).
        consent: {
          names: ELMO_CONSENT_NAMES,
          places: { ...resolver.places, env: consentEnv(ELMO_CONSENT_NAMES, env) },
        },
        spoolPath: paths.spoolFile,
        pidFile: paths.senderPidFile,
        logPath: paths.logFile,
        ...(options.trace ? { traceFile: paths.senderTraceFile } : {}),
      },
      entry,
      env,
      {
        throttle: {
          intervalMs: options.intervalMs,
          batchEvents: DEFAULT_SENDER_BATCH_EVENTS,
          stampFile: paths.senderStartedFile,
        },
      },
    );
  }
  // An explicit submission is sent whatever the consent, and logged like every event that leaves (SPEC §7).
  // It is retried within bounds (SPEC §6): one past them is dropped, logged and shown by `telemetry status`.
  startDetachedSender(
    {
      ...common,
      spoolPath: explicitPaths.spoolFile,
      pidFile: explicitPaths.senderPidFile,
      logPath: paths.logFile,
      bounds: EXPLICIT_RETRY_BOUNDS,
    },
    entry,
    env,
  );
}
