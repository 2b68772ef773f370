import { ELMO, ELMO_NOTICE, type ElmoCatalog, elmoCatalog, firstRunNotice } from '@elmo/elmo-telemetry';
import {
  cliPaths,
  commonProperties,
  createPreviewPrinter,
  type Destination,
  ELMO_CONSENT_NAMES,
  isEphemeralIdentity,
  isPreviewMode,
  isTraceMode,
  resolveDestination,
} from '@elmo/elmo-telemetry/node';
import {
  type ConsentVerdict,
  createLocalOnlySender,
  createTelemetry,
  type Sender,
  type Telemetry,
} from '@elmo/telemetry-core';
import {
  consentEnv,
  createLocalLog,
  createTraceLogger,
  EXPLICIT_RETRY_BOUNDS,
  ensureInstallId,
  isNoticeDue,
  openSpool,
  recordNoticeShown,
  startDetachedSender,
} from '@elmo/telemetry-core/node';
import { deploymentDirFor, isUnusable, readDeployment } from '../deployment/deployment.js';
import type { CliDeps } from '../deps.js';
import { describeFileProblem } from '../file-problem.js';
import { cliConsent, snapshotOf } from './consent-snapshot.js';
import { createRoutedSpoolSender, explicitSpoolPaths } from './spool-routes.js';

/** The telemetry of one CLI run: created lazily, inert while consent is off, finished once at exit. */
export interface CliSession {
  /** The telemetry client; creating it reads files but writes nothing. */
  readonly telemetry: Telemetry<ElmoCatalog>;
  /** Where events of this run would go (undefined: nowhere off the machine). */
  destination(): Destination | undefined;
  /** The deployment folder the command works on: its `.env` is a consent source and may name the destination. */
  useDeployment(dir: string): void;
  /** Whether the first-run notice is due (and so nothing may be sent in this run). */
  isNoticeDue(): boolean;
  /** Prints the first-run notice on stderr if it is due; nothing is sent in a run that showed it. */
  showNoticeIfDue(): boolean;
  /** One warning line per unusable user config or deployment `.env`, once per run. */
  warnUnreadableFiles(): void;
  /** Spools what was queued and starts the detached sender when there is something to send. Never throws. */
  finish(): Promise<void>;
}

/** Test seams: an in-memory sender replaces the spool and the detached sender. */
export interface CliSessionOptions {
  sender?: Sender;
}

// The CLI never sends while a command runs: everything is flushed once, at exit, to the spool.
const FLUSH_AT = 1000;

/** Creates the telemetry session of one CLI run (SPEC §7: never slow, never lost, never loud). */
export function createCliSession(deps: CliDeps, options: CliSessionOptions = {}): CliSession {
  const paths = cliPaths(deps.env, deps.homedir);
  const explicitPaths = explicitSpoolPaths(paths);
  const logger = createTraceLogger(isTraceMode(deps.env), deps.stderr);
  const preview = isPreviewMode(deps.env);
  let deploymentDir = deploymentDirFor(deps, undefined);
  let resolver = cliConsent(deps, deploymentDir);
  // Set when this run must stay quiet whatever the files say: the notice was shown, or the config is unwritable.
  // It is one of the resolver's rules (`run`), so every question asked in this run sees it.
  let heldForRun: ConsentVerdict | undefined;
  const holdForRun = (verdict: ConsentVerdict) => {
    heldForRun = verdict;
    resolver.holdForRun(verdict);
  };
  let installId: string | undefined;
  let resolvedDestination: { value: Destination | undefined } | undefined;
  let client: Telemetry<ElmoCatalog> | undefined;
  const warned = new Set<string>();

  const consent = () => resolver.decide();
  const snapshot = () => snapshotOf(resolver, paths);

  // Ephemeral (SPEC §4): a fresh id per event, no session id, and no install id created or stored.
  const ephemeral = isEphemeralIdentity(deps.env);

  const identity = (): string | undefined => {
    if (ephemeral) return deps.uuid();
    try {
      installId ??= ensureInstallId(paths.configFile, ELMO.configKeys.installId, deps.uuid);
      return installId;
    } catch (error) {
      // A read-only or vanished home: telemetry is off for the rest of this run, silently.
      holdForRun({
        mode: 'off',
        source: 'run',
        reason: `disabled for this run: ${paths.configFile} could not be written`,
      });
      logger.trace('telemetry: install id could not be saved', { error: String(error) });
      return undefined;
    }
  };

  const destination = () => {
    resolvedDestination ??= { value: resolveDestination(deps.env, readDeployment(deploymentDir).values) };
    return resolvedDestination.value;
  };

  const createSender = (): Sender => {
    if (options.sender) return options.sender;
    if (!destination()) return createLocalOnlySender();
    return createRoutedSpoolSender(elmoCatalog, {
      tracked: openSpool(paths.spoolFile),
      explicit: openSpool(explicitPaths.spoolFile),
    });
  };

  const getClient = () => {
    client ??= createTelemetry({
      catalog: elmoCatalog,
      consent,
      identity,
      sender: createSender(),
      common: commonProperties({ source: 'cli', productVersion: deps.productVersion }),
      sessionId: ephemeral ? undefined : deps.uuid(),
      now: deps.now,
      uuid: deps.uuid,
      logger,
      localLog: createLocalLog(paths.logFile),
      preview: preview ? createPreviewPrinter(deps.stderr) : undefined,
      flushAt: FLUSH_AT,
      flushIntervalMs: 0,
    });
    return client;
  };

  const startSenders = () => {
    const target = destination();
    if (!target || options.sender || preview) return;
    const enabled = consent().enabled;
    const common = { host: target.host, apiKey: target.apiKey, capMs: deps.senderCapMs };
    // Disabled: tracked events already spooled stay put and no sender starts for them (SPEC §3 "inert").
    if (enabled) {
      startDetachedSender(
        {
          ...common,
          // The sender asks the same rules before every batch, from the same places (SPEC §7).
          consent: {
            names: ELMO_CONSENT_NAMES,
            places: { ...resolver.places, env: consentEnv(ELMO_CONSENT_NAMES, deps.env) },
          },
          spoolPath: paths.spoolFile,
          pidFile: paths.senderPidFile,
          logPath: paths.logFile,
          ...(isTraceMode(deps.env) ? { traceFile: paths.senderTraceFile } : {}),
        },
        undefined,
        deps.env,
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
      undefined,
      deps.env,
    );
  };

  return {
    get telemetry() {
      return getClient();
    },
    destination,
    useDeployment(dir) {
      if (dir === deploymentDir) return;
      deploymentDir = dir;
      resolver = cliConsent(deps, dir);
      if (heldForRun) resolver.holdForRun(heldForRun);
      resolvedDestination = undefined;
    },
    isNoticeDue() {
      if (heldForRun) return false;
      const now = snapshot();
      return isNoticeDue(now.config, now.decision, ELMO_NOTICE);
    },
    showNoticeIfDue() {
      if (heldForRun) return false;
      try {
        const now = snapshot();
        if (!isNoticeDue(now.config, now.decision, ELMO_NOTICE)) return false;
        deps.stderr(`${firstRunNotice(elmoCatalog)}\n`);
        holdForRun({
          mode: 'off',
          source: 'run',
          reason: 'the first-run notice was shown in this run, so nothing is sent in it',
        });
        recordNoticeShown(paths.configFile, ELMO_NOTICE);
      } catch (error) {
        logger.trace('telemetry: notice version could not be saved', { error: String(error) });
      }
      return heldForRun !== undefined;
    },
    warnUnreadableFiles() {
      const now = snapshot();
      const files: [string, typeof now.config | typeof now.deploymentEnv][] = [
        [paths.configFile, now.config],
        [now.envPath, now.deploymentEnv],
      ];
      for (const [path, state] of files) {
        if (!isUnusable(state) || warned.has(path)) continue;
        warned.add(path);
        deps.stderr(
          `warning: ${describeFileProblem(path, state)}; elmo left it unchanged and telemetry is off for this run. Fix or delete it.\n`,
        );
      }
    },
    async finish() {
      if (!client) return;
      try {
        // Appends to the spool and writes the local log; nothing here touches the network.
        await client.shutdown();
        startSenders();
      } catch (error) {
        logger.trace('telemetry: finishing failed', { error: String(error) });
      }
    },
  };
}
