import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type CliPaths, type Destination, ELMO_CONSENT_NAMES } from '@elmo/elmo-telemetry/node';
import {
  type ConsentResolver,
  consentEnv,
  EXPLICIT_RETRY_BOUNDS,
  type SenderThrottle,
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
  /** Start the tracked events' sender: consent is on and the session found one due under `throttle`. */
  tracked: boolean;
  /** No second sender for tracked events within its interval, unless a batch or a minute-old event waits (SPEC §7). */
  throttle: SenderThrottle;
  capMs: number;
  trace: boolean;
  /** The clock the session's throttle decision used. */
  now: () => number;
}

/**
 * Starts a detached sender for each spool that has events: the telemetry spool when `tracked` says so (consent is
 * on and a sender is due: none started within the throttle's interval, 20 events waiting, or one queued that long
 * ago; the launcher asks the throttle again, so that it stays the one place that records a start), the explicit
 * submissions' spool at once and whatever the consent (SPEC §6, §7). Loaded only when a sender may start.
 */
export function startCliSenders(options: StartSendersOptions): void {
  const { env, paths, destination, resolver } = options;
  const explicitPaths = explicitSpoolPaths(paths);
  // Resolved only if a sender starts: most runs start none (the throttle), and resolving the package costs ms.
  const entry = senderEntry;
  const common = { host: destination.host, apiKey: destination.apiKey, capMs: options.capMs };
  // Disabled: tracked events already spooled stay put and no sender starts for them (SPEC §3 "inert").
  if (options.tracked) {
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
      { throttle: options.throttle, now: options.now },
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
