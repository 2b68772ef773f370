import {
  type ConsentDecision,
  createLocalOnlySender,
  createTelemetry,
  ephemeralIdentity,
  isUuid,
  type LocalLogStatus,
  type OutgoingEvent,
  type Sender,
  type Telemetry,
  type TelemetryMode,
} from '@elmo/telemetry-core';
import {
  type ConsentResolver,
  createLiveReader,
  createLocalLog,
  createTraceLogger,
  DEFAULT_SPOOL_LIMITS,
  openSpool,
  outgoingOf,
  readEnvFile,
} from '@elmo/telemetry-core/node';
import { createPostHogSender } from '@elmo/telemetry-core/posthog';
import { type ElmoCatalog, elmoCatalog } from '../catalog.js';
import type { DeploymentSettings } from '../deployment-settings.js';
import { ELMO, type FeatureCounter, type PageRoute } from '../names.js';
import { createElmoConsent } from '../node/consent.js';
import { deploymentPaths } from '../node/paths.js';
import {
  commonProperties,
  createPreviewPrinter,
  type Destination,
  isEphemeralIdentity,
  isPreviewMode,
  isTraceMode,
  osRelease,
  resolveDestination,
} from '../node/runtime.js';
import { type ProviderCallSample, UsageAggregates } from './aggregates.js';
import { discardSpooled, FORGOTTEN, type ForgetResult, replaceDeploymentId, submitDeletionRequest } from './forget.js';
import { checkVersionMarker } from './version-marker.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Intervals of the deployment's telemetry; tests may shorten them, the behaviour stays the same. */
export interface DeploymentIntervals {
  /** Send queued events at least this often (SPEC §7: 30 s). */
  flushMs: number;
  /**
   * Send feature counts this often when non-zero (SPEC §5: 10 minutes); API requests and page views go with every
   * HOURLY_EVERY-th of these sends (hourly at the default).
   */
  usageMs: number;
  /** Heartbeat period (SPEC §5: 24 hours). */
  heartbeatMs: number;
  /** How often consent is re-read so that a change applies without a restart (within 5 s). */
  consentPollMs: number;
  /** First pause after a failed send; it doubles per failure up to `flushMs` (SPEC §7: retries with backoff). */
  retryBackoffMs: number;
}

/** The intervals of SPEC §5 and §7. */
export const DEFAULT_INTERVALS: DeploymentIntervals = {
  flushMs: 30_000,
  usageMs: 10 * 60_000,
  heartbeatMs: 24 * 60 * 60_000,
  consentPollMs: 1000,
  retryBackoffMs: 1000,
};

/** The delivery path's bounds and what went past them, for the settings page (SPEC §7). */
export interface DeliveryStatus {
  /** Events waiting in this process's queue, its capacity, and the oldest dropped because it was full. */
  queue: { pending: number; capacity: number; dropped: number };
  /** Consecutive failed sends (retried with backoff while above 0). */
  failedAttempts: number;
  /** Events refused for good by the endpoint (400 and the like). */
  refused: number;
  /** The deployment's shutdown spool: events waiting for the next start, its capacity and its drops. */
  spool: { pending: number; capacity: number; dropped: number };
}

/** What a web or worker process needs to report its telemetry. */
export interface DeploymentTelemetryOptions {
  component: 'web' | 'worker';
  deploymentDir: string;
  /** The process environment (the operator's own kill switches live here). */
  env: Env;
  /** The home folder of the user running the deployment: their `elmo telemetry disable` covers it (SPEC §3 rule 4). */
  homedir: string;
  productVersion: string;
  /** What the deployment is configured with (`readDeploymentSettings`); by default local, embedded, offline. */
  settings?: DeploymentSettings;
  intervals?: Partial<DeploymentIntervals>;
  /** Current totals for `feature_usage` (brands and prompts in the deployment). */
  totals?: () => Promise<{ brands_total: number; prompts_total: number }>;
  /** Where preview and trace lines go (stderr). */
  write?: (line: string) => void;
  now?: () => number;
  /** Queue capacity (SPEC §7: bounded, oldest dropped); 1,000 unless a benchmark needs a different bound. */
  maxQueueSize?: number;
  /** Overrides the sender (benchmarks); by default PostHog when a key is configured, else local only. */
  sender?: Sender;
}

/** The deployment's telemetry: lifecycle events, usage aggregates and live consent, keyed by DEPLOYMENT_ID. */
export interface DeploymentTelemetry {
  readonly telemetry: Telemetry<ElmoCatalog>;
  readonly destination: Destination | undefined;
  /** The one consent resolver of this process (SPEC §3). */
  readonly consentResolver: ConsentResolver;
  consent(): ConsentDecision;
  /** Preview mode: events are printed, never sent, on every surface of this process. */
  readonly preview: boolean;
  /** How the transparency log's writes have fared (a failing write is counted, never thrown). */
  logStatus(): LocalLogStatus;
  /** The queue and spool bounds and every drop, for the settings page. */
  deliveryStatus(): DeliveryStatus;
  /** Re-reads the deployment `.env` on the next call (after this process changed it). */
  reloadSettings(): void;
  deploymentId(): string | undefined;
  /**
   * `ELMO_TELEMETRY_ID=ephemeral` (process env or `.env`, read at start): every event gets a fresh id and no
   * session id; DEPLOYMENT_ID is not used (SPEC §4).
   */
  readonly ephemeral: boolean;
  /**
   * "Forget this deployment" (SPEC §6): turns telemetry off (DISABLE_TELEMETRY=1), writes a new DEPLOYMENT_ID,
   * drops everything queued or spooled under the old one (logged as forgotten), then sends one `deletion_request`
   * keyed by the old id and carrying nothing else. Nothing else is sent keyed by it afterwards. Throws
   * (FileStateError) on a corrupt or unreadable `.env`, before anything changed.
   */
  forget(): Promise<ForgetResult>;
  /** Web only: compares the version marker and reports install or update. */
  reportVersion(): void;
  /** The component is ready: `deployment_started`, then heartbeats. */
  started(): void;
  featureUsed(name: FeatureCounter, n?: number): void;
  /**
   * One API request by route template (`/api/brands/[id]`; an unknown template is not counted), counted into the
   * hourly `api_requests`. Called on every request: O(1), and allocates nothing once its key has been seen.
   */
  apiRequest(route: string, method: string, status: number, durationMs: number): void;
  /** One page view the browser posted to `/ingest`, by page template, counted into the hourly `page_views`. */
  pageView(page: PageRoute): void;
  /** Worker: one model provider call, counted into `provider_usage`. */
  providerCall(sample: ProviderCallSample): void;
  /** Sends every count now, if any: feature and provider usage, API requests and page views. */
  sendUsage(): Promise<void>;
  /** `deployment_stopped`, the last counts, then a flush that gives up at the deadline. Never rejects. */
  shutdown(deadlineMs?: number): Promise<void>;
}

const HOUR_MS = 60 * 60_000;
/** API requests and page views go with every this-many-th usage send: hourly at the 10-minute default (SPEC §5). */
export const HOURLY_EVERY = 6;
const DEFAULT_SETTINGS: DeploymentSettings = {
  providers: ['offline'],
  deploymentMode: 'local',
  databaseMode: 'embedded',
};

// An interval left undefined keeps its default: a spread would let `undefined` through, and a timer with an
// undefined period fires every millisecond.
function withDefaults(defaults: DeploymentIntervals, given: Partial<DeploymentIntervals> = {}): DeploymentIntervals {
  const merged = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof DeploymentIntervals)[]) {
    const value = given[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) merged[key] = value;
  }
  return merged;
}

/** Creates the deployment telemetry for one process. */
export function createDeploymentTelemetry(options: DeploymentTelemetryOptions): DeploymentTelemetry {
  const intervals = withDefaults(DEFAULT_INTERVALS, options.intervals);
  const settings = options.settings ?? DEFAULT_SETTINGS;
  const release = osRelease();
  const now = options.now ?? Date.now;
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const paths = deploymentPaths(options.deploymentDir);
  const readEnv = createLiveReader(paths.envFile, readEnvFile, 250);
  const envValues = () => {
    const state = readEnv();
    return state.status === 'ok' ? state.values : {};
  };
  const consentResolver = createElmoConsent(
    { surface: 'deployment', env: options.env, homedir: options.homedir, deploymentEnvFile: paths.envFile },
    { cacheMs: 250 },
  );
  const consent = () => consentResolver.decide();
  // Local mode keeps the heartbeat and the usage counts: they are recorded in the local log as `local` like
  // every other event (SPEC §3), so a person sees what would be sent; the core queues and sends none of them.
  const recording = () => consent().mode !== 'off';
  // Only a random UUID may become the distinct id: anything else typed into DEPLOYMENT_ID means "send nothing".
  // Asked on every event: the answer for the value last read is kept.
  let checked: { id: string | undefined; result: string | undefined } | undefined;
  const deploymentId = () => {
    const id = envValues()[ELMO.env.deploymentId] || options.env[ELMO.env.deploymentId];
    if (!checked || checked.id !== id) checked = { id, result: isUuid(id) ? id.toLowerCase() : undefined };
    return checked.result;
  };
  const destination = resolveDestination(options.env, envValues());
  const ephemeral = isEphemeralIdentity(options.env, envValues());
  const logger = createTraceLogger(isTraceMode(options.env), write);
  const sender =
    options.sender ??
    (destination
      ? createPostHogSender({ ...destination, requestTimeoutMs: 5000, logger, mayAttempt: () => consent().enabled })
      : createLocalOnlySender());
  const preview = isPreviewMode(options.env);
  const localLog = createLocalLog(paths.logFile);
  // What a shutdown deadline could not deliver waits here for the next start of the web app or the worker.
  const spool = openSpool(paths.spoolFile);
  const keepUndelivered = (events: readonly OutgoingEvent[]) => {
    spool.append(events);
    return true;
  };
  const clientOptions = (source: 'web' | 'worker', clientSender: Sender) =>
    ({
      catalog: elmoCatalog,
      consent,
      // Ephemeral: a fresh id per event and no session id, so that nothing links two events (SPEC §4).
      identity: ephemeral ? ephemeralIdentity() : deploymentId,
      sender: clientSender,
      common: commonProperties({
        source,
        productVersion: options.productVersion,
        deploymentMode: settings.deploymentMode,
      }),
      sessionId: ephemeral ? undefined : crypto.randomUUID(),
      now,
      logger,
      localLog,
      preview: preview ? createPreviewPrinter(write) : undefined,
      flushAt: 20,
      flushIntervalMs: intervals.flushMs,
      maxQueueSize: options.maxQueueSize ?? 1000,
      consentPollMs: intervals.consentPollMs,
      retryBackoffMs: intervals.retryBackoffMs,
      keepUndelivered,
    }) as const;
  const telemetry = createTelemetry(clientOptions(options.component, sender));
  const aggregates = new UsageAggregates();
  // The mode the current counts were made in: counts made in local mode must never be sent once it is on.
  let countedIn: TelemetryMode | undefined;
  let countedStale = true;
  const countIn = (mode: TelemetryMode) => {
    if (mode !== countedIn) aggregates.clear();
    countedIn = mode;
  };
  /**
   * Whether usage may be counted now. The hot path (every API request) takes the mode the consent poll last
   * announced (onConsentChange, within consentPollMs): a consent read, or even a clock read, per request would cost
   * more than the count. `fresh` (before a send, after this process changed the settings) reads consent first.
   */
  const mayCount = (fresh = false) => {
    if (fresh || countedStale) {
      countedStale = false;
      countIn(consent().mode);
    }
    return countedIn !== 'off';
  };
  const recheckConsent = () => {
    countedStale = true;
  };
  const startedAt = now();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let running = false;

  const startHeartbeat = () => {
    if (heartbeat || !running) return;
    heartbeat = setInterval(() => {
      telemetry.track('heartbeat', {
        component: options.component,
        uptime_hours: (now() - startedAt) / HOUR_MS,
        os_release: release,
      });
    }, intervals.heartbeatMs);
    heartbeat.unref();
  };
  const stopHeartbeat = () => {
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = undefined;
  };
  telemetry.onConsentChange((decision) => {
    countIn(decision.mode);
    if (decision.mode !== 'off') return startHeartbeat();
    stopHeartbeat();
    aggregates.clear();
  });

  // Events an earlier run kept at shutdown join this process's queue, uuids unchanged. Claiming takes them out of
  // the spool under its lock, so two processes starting together never both send one; a failed claim sends none.
  const restoreSpooled = () => {
    if (preview || spool.isEmpty()) return;
    try {
      telemetry.restore(spool.claim().map(outgoingOf));
    } catch (error) {
      logger.trace('telemetry: spool could not be claimed', { error: String(error) });
    }
  };

  /** Sends the counts: every 10-minute one, and the hourly rows (API requests, page views) when `hourly`. */
  const sendUsage = async (hourly = true) => {
    if (aggregates.isEmpty(hourly) || !mayCount(true)) return;
    const { features, providers, requests, pages } = aggregates.drain(hourly);
    // feature_usage goes only when a feature was used; the rest whenever it has a row.
    if (Object.keys(features).length > 0) {
      const totals = await options.totals?.().catch(() => undefined);
      telemetry.track('feature_usage', { ...features, ...totals });
    }
    for (const row of providers) telemetry.track('provider_usage', row);
    // One event an hour each, every key a row: per-key events were most of a busy day's events and bytes.
    if (requests.length > 0) telemetry.track('api_requests', { rows: requests });
    if (pages.length > 0) telemetry.track('page_views', { rows: pages });
    await telemetry.flush();
  };
  // Counted in usage intervals rather than on a clock of its own, so a shortened interval (tests) shortens the
  // hour with it and every hourly send rides on a usage send.
  let usageSends = 0;
  const usageTimer = setInterval(() => {
    usageSends += 1;
    void sendUsage(usageSends % HOURLY_EVERY === 0);
  }, intervals.usageMs);
  usageTimer.unref();

  return {
    telemetry,
    destination,
    consentResolver,
    consent,
    preview,
    logStatus: () => localLog.status?.() ?? { failedWrites: 0, droppedEntries: 0 },
    deliveryStatus() {
      const own = telemetry.status();
      return {
        queue: { pending: own.queued, capacity: own.capacity, dropped: own.droppedByCapacity },
        failedAttempts: own.failedAttempts,
        refused: own.refused,
        spool: { pending: spool.read().length, capacity: DEFAULT_SPOOL_LIMITS.maxEvents, dropped: spool.dropped() },
      };
    },
    reloadSettings: () => {
      readEnv.invalidate();
      consentResolver.invalidate();
      recheckConsent();
    },
    deploymentId,
    ephemeral,
    async forget() {
      const previousId = deploymentId();
      const newId = replaceDeploymentId(paths.envFile);
      readEnv.invalidate();
      consentResolver.invalidate();
      recheckConsent();
      // Nothing counted, queued or spooled under the old id may leave after its deletion request.
      stopHeartbeat();
      aggregates.clear();
      telemetry.discard(FORGOTTEN);
      try {
        discardSpooled(spool, localLog, now);
      } catch (error) {
        logger.trace('telemetry: spool could not be discarded', { error: String(error) });
      }
      if (!previousId) return { newId, requestSent: false };
      // The shared sender asks consent before each attempt; the request goes whatever consent says (SPEC §6).
      const own = options.sender
        ? { delivery: sender.delivery, send: (events: readonly OutgoingEvent[]) => sender.send(events) }
        : destination
          ? createPostHogSender({ ...destination, requestTimeoutMs: 5000, logger })
          : createLocalOnlySender();
      const requestSent = await submitDeletionRequest(previousId, clientOptions(options.component, own), own);
      return { previousId, newId, requestSent };
    },
    reportVersion() {
      const change = checkVersionMarker(paths.versionMarker, options.productVersion);
      if (change.kind === 'install') telemetry.track('install_complete');
      if (change.kind === 'update') telemetry.track('update_complete', { old_version: change.oldVersion });
    },
    started() {
      running = true;
      telemetry.track('deployment_started', {
        component: options.component,
        database_mode: settings.databaseMode,
        providers: settings.providers,
      });
      restoreSpooled();
      if (recording()) startHeartbeat();
    },
    featureUsed(name, n = 1) {
      if (mayCount()) aggregates.feature(name, n);
    },
    apiRequest(route, method, status, durationMs) {
      if (mayCount()) aggregates.request(route, method, status, durationMs);
    },
    pageView(page) {
      if (mayCount()) aggregates.pageView(page);
    },
    providerCall(sample) {
      if (mayCount()) aggregates.providerCall(sample);
    },
    sendUsage: () => sendUsage(true),
    async shutdown(deadlineMs = 2000) {
      running = false;
      stopHeartbeat();
      clearInterval(usageTimer);
      const started = now();
      telemetry.track('deployment_stopped', {
        component: options.component,
        runtime_hours: (now() - startedAt) / HOUR_MS,
        os_release: release,
      });
      // Totals come from the database, which may be slow at shutdown: they get a small part of the budget.
      await Promise.race([
        sendUsage(true).catch(() => {}),
        new Promise((resolve) => setTimeout(resolve, deadlineMs / 4).unref()),
      ]);
      const left = Math.max(0, deadlineMs - (now() - started));
      await telemetry.shutdown(left);
    },
  };
}
