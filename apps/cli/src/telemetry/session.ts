import { ELMO, ELMO_NOTICE, type ElmoCatalog, elmoCatalog, firstRunNotice } from '@elmo/elmo-telemetry';
import {
  cliPaths,
  type Destination,
  isEphemeralIdentity,
  isPreviewMode,
  isTraceMode,
  resolveDestination,
} from '@elmo/elmo-telemetry/node';
import type { ConsentVerdict, PropsOf, Sender, Telemetry, TrackedName } from '@elmo/telemetry-core';
import {
  createTraceLogger,
  DEFAULT_SENDER_BATCH_EVENTS,
  ensureInstallId,
  isNoticeDue,
  isSpoolSenderDue,
  openSpool,
  recordNoticeShown,
  type SenderThrottle,
} from '@elmo/telemetry-core/node';
import { deploymentDirFor, isUnusable } from '../deployment/deployment.js';
import type { CliDeps } from '../deps.js';
import { describeFileProblem } from '../file-problem.js';
import { type ConsentSnapshot, cliConsent, snapshotOf } from './consent-snapshot.js';
import type { CliRecorder } from './recorder.js';
import { explicitSpoolPaths } from './spool-routes.js';

/**
 * The telemetry of one CLI run: inert while consent is off, finished once at exit. The client and the sender
 * launcher are loaded only when needed (an event may be recorded, or a spool has something to send), so a run
 * with telemetry off loads neither.
 */
export interface CliSession {
  /**
   * Tracks an event (nothing at all while consent is off); it is recorded by `finish()` at the latest. Properties
   * given as a function are only worked out when the event is recorded.
   */
  track<N extends TrackedName<ElmoCatalog>>(
    name: N,
    properties?: PropsOf<ElmoCatalog['events'][N]> | (() => PropsOf<ElmoCatalog['events'][N]>),
  ): void;
  /** Submits an explicit event (SPEC §6), whatever the consent; true when it was queued. */
  readonly submitExplicit: Telemetry<ElmoCatalog>['submitExplicit'];
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
  /**
   * Spools what was queued and starts the detached sender when there is something to send, in every run, tracked or
   * not (SPEC §7). Never throws.
   */
  finish(): Promise<void>;
}

/** Test seams: an in-memory sender replaces the spool and the detached sender. */
export interface CliSessionOptions {
  sender?: Sender;
}

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

  // The deployment's `.env` as consent read it (checked with a stat, read again only if it changed), so a run that
  // tracks reads it once, not once for consent and once more for the destination.
  const destinationIn = ({ deploymentEnv }: ConsentSnapshot) => ({
    value: resolveDestination(deps.env, deploymentEnv.status === 'ok' ? deploymentEnv.values : {}),
  });
  const destination = () => {
    resolvedDestination ??= destinationIn(snapshot());
    return resolvedDestination.value;
  };

  // A track or submission was asked for in this run: finish() then records it and asks consent at exit whatever the
  // spools hold now (its own event may be on its way to one). A run that asked for neither only looks at the spools.
  let asked = false;
  const pending: Promise<void>[] = [];
  // Telemetry never fails a command: a module that cannot be loaded only shows in trace mode.
  const unavailable = (error: unknown) => logger.trace('telemetry: client unavailable', { error: String(error) });
  // One per run, for its tracked events and its explicit submissions alike (SPEC §4: none when ephemeral).
  let sessionId: { value: string | undefined } | undefined;
  const runSessionId = () => {
    sessionId ??= { value: ephemeral ? undefined : deps.uuid() };
    return sessionId.value;
  };
  const clientOptions = () => ({
    deps,
    paths,
    consent,
    identity,
    hasDestination: () => destination() !== undefined,
    preview,
    sessionId: runSessionId(),
    logger,
    sender: options.sender,
  });
  // Tracked events: the one-shot recorder (recorder.ts). Explicit submissions: the core's client (client.ts).
  let recorder: Promise<CliRecorder> | undefined;
  const getRecorder = () => {
    recorder ??= import('./recorder.js').then(({ createCliRecorder }) => createCliRecorder(clientOptions()));
    return recorder;
  };
  let client: Promise<Telemetry<ElmoCatalog>> | undefined;
  const getClient = () => {
    client ??= import('./client.js').then(({ createCliClient }) => createCliClient(clientOptions()));
    return client;
  };

  const track: CliSession['track'] = (name, properties) => {
    asked = true;
    // Off (neither on nor local only): the event would be dropped unseen, so the recorder is not even loaded.
    const decision = consent();
    if (!decision.enabled && decision.mode !== 'local') return;
    // The time of the call: the recorder may be loaded a moment after it.
    const at = deps.now();
    const values = typeof properties === 'function' ? properties() : properties;
    pending.push(getRecorder().then((events) => events.track(name, values, at, decision), unavailable));
  };

  const startSenders = async (enabled: boolean) => {
    const target = destination();
    if (!target || options.sender || preview) return;
    // Most runs start no sender (SPEC §7: at most one a minute unless events wait): that is decided here, so that
    // the launcher is loaded and its configuration built only by a run that starts one. Tracked events only while
    // consent is on; an explicit submission whatever the consent, and never throttled (SPEC §6).
    const throttle: SenderThrottle = {
      intervalMs: deps.senderIntervalMs,
      batchEvents: DEFAULT_SENDER_BATCH_EVENTS,
      stampFile: paths.senderStartedFile,
    };
    const trackedDue = enabled && isSpoolSenderDue(openSpool(paths.spoolFile), throttle, deps.now());
    if (!trackedDue && openSpool(explicitPaths.spoolFile).isEmpty()) return;
    const { startCliSenders } = await import('./senders.js');
    startCliSenders({
      env: deps.env,
      paths,
      destination: target,
      resolver,
      tracked: trackedDue,
      throttle,
      capMs: deps.senderCapMs,
      trace: isTraceMode(deps.env),
      now: deps.now,
    });
  };

  return {
    track,
    submitExplicit: async (name, submission) => {
      asked = true;
      return (await getClient()).submitExplicit(name, submission);
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
      // A run that tracked nothing (`elmo telemetry …`, `--help`) still starts a sender when one is due, so that no
      // event waits longer than until the first run a minute after it was recorded, whatever that run is (SPEC §7).
      // With both spools empty, as on most such runs, it reads nothing more.
      if (!asked && openSpool(paths.spoolFile).isEmpty() && openSpool(explicitPaths.spoolFile).isEmpty()) return;
      try {
        await Promise.all(pending);
        // Asked once more: a withdrawal made during this run holds back what it tracked, and the senders. The same
        // question names the destination, unless the run already asked for it.
        const atExit = snapshot();
        const { enabled } = atExit.decision;
        resolvedDestination ??= destinationIn(atExit);
        // Appends to the spools and writes the local log; nothing here touches the network.
        if (recorder) await (await recorder).finish(enabled);
        if (client) await (await client).shutdown();
        // Nothing is sent before the first-run notice was shown: a run that showed it is already held (so not
        // enabled), but an untracked one, or one that failed, leaves it due.
        await startSenders(enabled && !isNoticeDue(atExit.config, atExit.decision, ELMO_NOTICE));
      } catch (error) {
        logger.trace('telemetry: finishing failed', { error: String(error) });
      }
    },
  };
}
