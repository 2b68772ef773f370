import { join } from 'node:path';
import { platform } from 'node:process';
import { createLocalOnlySender, createTelemetry, type Sender, type Telemetry } from '@elmo/telemetry-core';
import {
  type ConsentResolver,
  consentEnv,
  createConsentResolver,
  createLocalLog,
  ensureInstallId,
  isNoticeDue,
  openSpool,
  recordNoticeShown,
  resolveUserPaths,
  startDetachedSender,
} from '@elmo/telemetry-core/node';
import type { AcmeDeps } from './deps.js';
import { ACME, ACME_CONSENT_NAMES, acmeCatalog, firstRunNotice, type TrackedCommand } from './names.js';

/** Where events go; undefined without a key, and then nothing leaves the machine. */
export interface Destination {
  host: string;
  apiKey: string;
}

/** acme's files: its config under `$XDG_CONFIG_HOME/acme`, its telemetry state under `$XDG_STATE_HOME/acme`. */
export interface AcmePaths {
  configFile: string;
  spoolFile: string;
  senderPidFile: string;
  logFile: string;
}

type Where = Pick<AcmeDeps, 'env' | 'homedir' | 'isCI'>;

/** acme's paths for an environment and home folder. */
export function acmePaths({ env, homedir }: Where): AcmePaths {
  const user = resolveUserPaths(ACME_CONSENT_NAMES.appName, env, homedir);
  return {
    configFile: user.configFile,
    spoolFile: join(user.stateDir, 'telemetry-spool.jsonl'),
    senderPidFile: join(user.stateDir, 'telemetry-sender.pid'),
    logFile: join(user.stateDir, 'telemetry-events.jsonl'),
  };
}

/** The core's consent rules with acme's names, for a terminal (`cli`: the CI rule applies). */
export function acmeConsent({ env, homedir, isCI }: Where): ConsentResolver {
  return createConsentResolver(ACME_CONSENT_NAMES, { surface: 'cli', env, homedir, isCI });
}

/** The destination from `ACME_POSTHOG_KEY` and `ACME_POSTHOG_HOST` (PostHog's US cloud by default). */
export function resolveDestination(env: AcmeDeps['env']): Destination | undefined {
  const apiKey = env[ACME.env.posthogKey];
  if (!apiKey) return undefined;
  return { host: (env[ACME.env.posthogHost] || 'https://us.i.posthog.com').replace(/\/+$/, ''), apiKey };
}

/** The telemetry of one acme run: nothing is read or created until a tracked command asks. */
export interface AcmeTelemetry {
  /** Prints the first-run notice on stderr when due; the run that shows it sends nothing. */
  showNoticeIfDue(): void;
  track(command: TrackedCommand, durationMs: number): void;
  /** Spools what was tracked and starts the detached sender. Local file work only; never throws. */
  finish(): Promise<void>;
}

// The detached sender's lifetime cap (SPEC §7).
const SENDER_CAP_MS = 30_000;

/** Creates the telemetry of one run. */
export function createAcmeTelemetry(deps: AcmeDeps): AcmeTelemetry {
  const paths = acmePaths(deps);
  const resolver = acmeConsent(deps);
  const destination = resolveDestination(deps.env);
  const notice = { key: ACME.config.noticeSeen, consentVersion: acmeCatalog.consentVersion };
  let id: string | undefined;
  let client: Telemetry<typeof acmeCatalog> | undefined;

  // Created only when an event is about to be queued, so a disabled acme never writes its config.
  const identity = (): string | undefined => {
    try {
      id ??= ensureInstallId(paths.configFile, ACME.config.anonymousId, deps.uuid);
      return id;
    } catch {
      // An unwritable home: nothing is sent in this run, silently.
      resolver.holdForRun({ mode: 'off', source: 'run', reason: `${paths.configFile} could not be written` });
      return undefined;
    }
  };

  // The CLI never talks to the network itself: events go to the spool, and a detached sender delivers them.
  const spooled = (): Sender => {
    const spool = openSpool(paths.spoolFile);
    return { delivery: 'spooled', send: async (events) => spool.append(events) };
  };

  const telemetry = () => {
    client ??= createTelemetry({
      catalog: acmeCatalog,
      consent: () => resolver.decide(),
      identity,
      sender: destination ? spooled() : createLocalOnlySender(),
      common: { product_version: deps.productVersion, os: platform },
      sessionId: deps.uuid(),
      now: deps.now,
      uuid: deps.uuid,
      localLog: createLocalLog(paths.logFile),
      // One command, one event: nothing is sent before finish(), which flushes once.
      flushIntervalMs: 0,
    });
    return client;
  };

  return {
    showNoticeIfDue() {
      const decision = resolver.decide();
      if (!isNoticeDue(resolver.files().userConfig, decision, notice)) return;
      deps.stderr(`${firstRunNotice()}\n`);
      // A rule of the resolver for the rest of this run, so every later question sees it.
      resolver.holdForRun({ mode: 'off', source: 'run', reason: 'the first-run notice was shown in this run' });
      try {
        recordNoticeShown(paths.configFile, notice);
      } catch {
        // Shown again next run: better twice than never.
      }
    },
    track(command, durationMs) {
      telemetry().track('acme_command', { command, duration_ms: durationMs });
    },
    async finish() {
      if (!client) return;
      try {
        await client.shutdown();
        // Disabled means inert: no sender. The sender asks the same rules, from the same places, before every
        // batch, and gets only the variables they read (SPEC §7).
        if (!destination || !resolver.decide().enabled) return;
        startDetachedSender(
          {
            host: destination.host,
            apiKey: destination.apiKey,
            capMs: SENDER_CAP_MS,
            spoolPath: paths.spoolFile,
            pidFile: paths.senderPidFile,
            logPath: paths.logFile,
            consent: {
              names: ACME_CONSENT_NAMES,
              places: { ...resolver.places, env: consentEnv(ACME_CONSENT_NAMES, deps.env) },
            },
          },
          undefined,
          deps.env,
        );
      } catch {
        // Telemetry never changes a command's output or exit code.
      }
    },
  };
}
