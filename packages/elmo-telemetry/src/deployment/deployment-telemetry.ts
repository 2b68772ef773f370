import {
  type ConsentDecision,
  createLocalOnlySender,
  createTelemetry,
  isUuid,
  type LocalLogStatus,
  leaseSender,
  type OutgoingEvent,
  type Sender,
  type Telemetry,
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
import { ELMO, type FeatureCounter } from '../names.js';
import { createElmoConsent } from '../node/consent.js';
import { deploymentPaths } from '../node/paths.js';
import {
  commonProperties,
  createPreviewPrinter,
  type Destination,
  isPreviewMode,
  isTraceMode,
  resolveDestination,
} from '../node/runtime.js';
import { type ApiRequestSample, UsageAggregates } from './aggregates.js';
import { checkVersionMarker } from './version-marker.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Intervals of the deployment's telemetry; tests may shorten them, the behaviour stays the same. */
export interface DeploymentIntervals {
  /** Send queued events at least this often (SPEC §7: 30 s). */
  flushMs: number;
  /** Send feature counts this often when non-zero (SPEC §5: 10 minutes). */
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
  /** Page views the browser posted to `/ingest`, sent through the same queue, consent and log (source `browser`). */
  readonly browser: Telemetry<ElmoCatalog>;
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
  /** Web only: compares the version marker and reports install or update. */
  reportVersion(): void;
  /** The component is ready: `deployment_started`, then heartbeats. */
  started(): void;
  featureUsed(name: FeatureCounter, n?: number): void;
  apiRequest(sample: ApiRequestSample): void;
  /** Sends feature counts and request aggregates now, if any. */
  sendUsage(): Promise<void>;
  /** `deployment_stopped`, the last counts, then a flush that gives up at the deadline. Never rejects. */
  shutdown(deadlineMs?: number): Promise<void>;
}

const HOUR_MS = 60 * 60_000;

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
  // Only a random UUID may become the distinct id: anything else typed into DEPLOYMENT_ID means "send nothing".
  const deploymentId = () => {
    const id = envValues()[ELMO.env.deploymentId] || options.env[ELMO.env.deploymentId];
    return isUuid(id) ? id.toLowerCase() : undefined;
  };
  const destination = resolveDestination(options.env, envValues());
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
  const clientOptions = (source: 'web' | 'worker' | 'browser', clientSender: Sender) =>
    ({
      catalog: elmoCatalog,
      consent,
      identity: deploymentId,
      sender: clientSender,
      common: commonProperties({ source, productVersion: options.productVersion }),
      sessionId: crypto.randomUUID(),
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
  // One sender for both clients; it closes when the second of them has shut down, so the component's client
  // finishing first never cuts off the browser's last page views.
  const [componentSender, browserSender] = leaseSender(sender, 2) as [Sender, Sender];
  const telemetry = createTelemetry(clientOptions(options.component, componentSender));
  const browser = createTelemetry(clientOptions('browser', browserSender));
  const aggregates = new UsageAggregates();
  const startedAt = now();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let running = false;

  const startHeartbeat = () => {
    if (heartbeat || !running) return;
    heartbeat = setInterval(() => {
      telemetry.track('heartbeat', { component: options.component, uptime_hours: (now() - startedAt) / HOUR_MS });
    }, intervals.heartbeatMs);
    heartbeat.unref();
  };
  const stopHeartbeat = () => {
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = undefined;
  };
  telemetry.onConsentChange((decision) => {
    if (decision.enabled) return startHeartbeat();
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

  const sendUsage = async () => {
    if (aggregates.isEmpty || !consent().enabled) return;
    const { features, requests } = aggregates.drain();
    // feature_usage goes only when a feature was used; request aggregates go whenever there were requests.
    if (Object.keys(features).length > 0) {
      const totals = await options.totals?.().catch(() => undefined);
      telemetry.track('feature_usage', { ...features, ...totals });
    }
    for (const row of requests) telemetry.track('api_requests', row);
    await telemetry.flush();
  };
  const usageTimer = setInterval(() => void sendUsage(), intervals.usageMs);
  usageTimer.unref();

  return {
    telemetry,
    browser,
    destination,
    consentResolver,
    consent,
    preview,
    logStatus: () => localLog.status?.() ?? { failedWrites: 0, droppedEntries: 0 },
    deliveryStatus() {
      const own = [telemetry.status(), browser.status()];
      return {
        queue: {
          pending: own.reduce((sum, s) => sum + s.queued, 0),
          capacity: own[0]?.capacity ?? 0,
          dropped: own.reduce((sum, s) => sum + s.droppedByCapacity, 0),
        },
        failedAttempts: Math.max(...own.map((s) => s.failedAttempts)),
        refused: own.reduce((sum, s) => sum + s.refused, 0),
        spool: { pending: spool.read().length, capacity: DEFAULT_SPOOL_LIMITS.maxEvents, dropped: spool.dropped() },
      };
    },
    reloadSettings: () => {
      readEnv.invalidate();
      consentResolver.invalidate();
    },
    deploymentId,
    reportVersion() {
      const change = checkVersionMarker(paths.versionMarker, options.productVersion);
      if (change.kind === 'install') telemetry.track('install_complete');
      if (change.kind === 'update') telemetry.track('update_complete', { old_version: change.oldVersion });
    },
    started() {
      running = true;
      telemetry.track('deployment_started', { component: options.component });
      restoreSpooled();
      if (consent().enabled) startHeartbeat();
    },
    featureUsed(name, n = 1) {
      if (consent().enabled) aggregates.feature(name, n);
    },
    apiRequest(sample) {
      if (consent().enabled) aggregates.request(sample);
    },
    sendUsage,
    async shutdown(deadlineMs = 2000) {
      running = false;
      stopHeartbeat();
      clearInterval(usageTimer);
      const started = now();
      telemetry.track('deployment_stopped', {
        component: options.component,
        runtime_hours: (now() - startedAt) / HOUR_MS,
      });
      // Totals come from the database, which may be slow at shutdown: they get a small part of the budget.
      await Promise.race([
        sendUsage().catch(() => {}),
        new Promise((resolve) => setTimeout(resolve, deadlineMs / 4).unref()),
      ]);
      const left = Math.max(0, deadlineMs - (now() - started));
      await Promise.all([browser.shutdown(left), telemetry.shutdown(left)]);
    },
  };
}
