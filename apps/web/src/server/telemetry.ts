import { BROWSER_EVENTS, collectedSummary, ELMO, elmoCatalog } from '@elmo/elmo-telemetry';
import {
  createDeploymentTelemetry,
  type DeliveryStatus,
  type DeploymentTelemetry,
  handleIngest,
} from '@elmo/elmo-telemetry/deployment';
import { deploymentPaths, describeDestination, saveElmoTelemetryChoice } from '@elmo/elmo-telemetry/node';
import {
  type ConsentLock,
  type ConsentSourceKind,
  describeLock,
  type LogEntry,
  type TelemetryMode,
} from '@elmo/telemetry-core';
import { readLocalLog } from '@elmo/telemetry-core/node';
import type { WebEnv } from './env';
import { type LogHistory, summarizeLog } from './telemetry-history';
import type { DeploymentTelemetryHooks } from './telemetry-hooks';

/** What the settings page shows about telemetry. */
export interface TelemetryPanelState {
  enabled: boolean;
  mode: TelemetryMode;
  source: ConsentSourceKind;
  reason: string;
  /** The setting that forces the decision, if any: the switch is then locked. */
  lockedBy: ConsentLock | null;
  /** The lock in words, naming what to change instead. */
  lockedByText: string | null;
  maskedDeploymentId: string | null;
  destination: string;
  envFile: string;
  /** Failed writes of the transparency log since this server started, and why the latest failed. */
  logWrites: { failed: number; lastError: string | null };
  /** The queue and spool bounds, what waits in them and every drop (SPEC §7). */
  delivery: DeliveryStatus;
  collected: string[];
  neverCollected: string[];
  recent: LogEntry[];
  /** The last 14 days of the local log, per day and per event, by status (the settings page's chart). */
  history: LogHistory;
}

/** What forgetting the deployment did: the id a deletion request was sent for, and the new one (both masked). */
export interface ForgetOutcome {
  previousId: string | null;
  newId: string;
  /** Whether the deletion request left (or, without a destination, was kept in the local log). */
  requestSent: boolean;
}

/** What the browser needs to load posthog-js; null means it must not be loaded at all. */
export interface BrowserTelemetryConfig {
  token: string;
  apiHost: '/ingest';
  distinctId: string;
  allowed: Record<string, readonly string[]>;
  common: Record<string, unknown>;
  allowHeadless: boolean;
}

/** The web process's telemetry: the product's hooks plus what the settings page, layout and /ingest need. */
export interface WebTelemetry extends DeploymentTelemetryHooks {
  panel(): TelemetryPanelState;
  /** Records the mode in the deployment .env with the one writer; refused while a lock forces the decision. */
  setMode(mode: TelemetryMode): { ok: true } | { ok: false; lockedBy: string };
  /** SPEC §6: one deletion request for the deployment id, telemetry off, a new id. */
  forget(): Promise<ForgetOutcome>;
  /** The local log's files, oldest first (the rotated generation, then the current one). */
  logFiles(): string[];
  browserConfig(): BrowserTelemetryConfig | null;
  ingest(request: Request, path: string[]): Promise<Response>;
  /** Sends every count now (page views and API requests included) instead of at the next hourly send: for tests. */
  sendUsage(): Promise<void>;
}

const ENABLE_COMMAND = `${ELMO.binary} telemetry enable`;
const mask = (id: string) => `${id.slice(0, 8)}…`;
/** How many days of the local log the settings page pictures. */
export const HISTORY_DAYS = 14;

/** Effects of the web telemetry that tests fix: the clock and the time zone of the chart's days. */
export interface WebTelemetryOptions {
  now?: () => number;
  timeZone?: string;
}

/** Creates the web process's telemetry from its configuration; called once per process. */
export function createWebTelemetry(env: WebEnv, options: WebTelemetryOptions = {}): WebTelemetry {
  const totals = { brands_total: 0, prompts_total: 0 };
  const deployment: DeploymentTelemetry = createDeploymentTelemetry({
    component: 'web',
    deploymentDir: env.home,
    env: env.telemetryEnv,
    homedir: env.userHome,
    productVersion: env.productVersion,
    settings: env.deploymentSettings,
    intervals: env.telemetryIntervals,
    totals: async () => ({ ...totals }),
  });
  const paths = deploymentPaths(env.home);
  return {
    featureUsed: (name, n) => deployment.featureUsed(name, n),
    totals(t) {
      Object.assign(totals, t);
    },
    // Passed straight through: the deployment counts known templates only, with no allocation per request.
    apiRequest: (route, method, status, durationMs) => deployment.apiRequest(route, method, status, durationMs),
    ready() {
      deployment.reportVersion();
      deployment.started();
    },
    shutdown: () => deployment.shutdown(2000),
    panel() {
      const decision = deployment.consent();
      const id = deployment.deploymentId();
      const summary = collectedSummary(elmoCatalog);
      // The whole log (two bounded generations, each event once with its newest status) feeds both views.
      const entries = readLocalLog(paths.logFile, Number.POSITIVE_INFINITY);
      return {
        ...decision,
        lockedByText: decision.lockedBy ? describeLock(decision.lockedBy, ENABLE_COMMAND) : null,
        maskedDeploymentId: id ? mask(id) : null,
        destination: describeDestination(deployment.destination),
        envFile: paths.envFile,
        logWrites: (({ failedWrites, lastError }) => ({ failed: failedWrites, lastError: lastError ?? null }))(
          deployment.logStatus(),
        ),
        delivery: deployment.deliveryStatus(),
        collected: summary.collected,
        neverCollected: summary.neverCollected,
        recent: entries.slice(-15).reverse(),
        history: summarizeLog(entries, { now: options.now, timeZone: options.timeZone, days: HISTORY_DAYS }),
      };
    },
    setMode(mode) {
      // Every lock counts, the machine policy's included: the page never writes around what forces the decision.
      const { lockedBy } = deployment.consent();
      if (lockedBy) return { ok: false, lockedBy: describeLock(lockedBy, ENABLE_COMMAND) };
      saveElmoTelemetryChoice(mode, { deploymentEnvFile: paths.envFile });
      deployment.reloadSettings();
      return { ok: true };
    },
    async forget() {
      const { previousId, newId, requestSent } = await deployment.forget();
      return { previousId: previousId ? mask(previousId) : null, newId: mask(newId), requestSent };
    },
    logFiles: () => [`${paths.logFile}.1`, paths.logFile],
    browserConfig() {
      const distinctId = deployment.deploymentId();
      // Preview and local modes are inert in the browser too: posthog-js is not even loaded.
      if (deployment.preview || !deployment.consent().enabled || !deployment.destination || !distinctId) return null;
      return {
        token: deployment.destination.apiKey,
        apiHost: '/ingest',
        distinctId,
        // posthog-js may post page views by template only; /ingest counts them and forwards nothing.
        allowed: BROWSER_EVENTS,
        common: { source: 'browser', product_version: env.productVersion, deployment_mode: 'local' },
        allowHeadless: env.telemetryAllowHeadless,
      };
    },
    ingest: (request, path) => handleIngest(request, path, { pageView: (page) => deployment.pageView(page) }),
    sendUsage: () => deployment.sendUsage(),
  };
}

/** Telemetry that is off and does nothing: for in-process tests that bring their own hooks. */
export function createInertWebTelemetry(hooks: DeploymentTelemetryHooks): WebTelemetry {
  return {
    ...hooks,
    panel: () => ({
      enabled: false,
      mode: 'off',
      source: 'default',
      reason: 'telemetry is not wired in this runtime',
      lockedBy: null,
      lockedByText: null,
      maskedDeploymentId: null,
      destination: describeDestination(undefined),
      envFile: '',
      logWrites: { failed: 0, lastError: null },
      delivery: {
        queue: { pending: 0, capacity: 0, dropped: 0 },
        failedAttempts: 0,
        refused: 0,
        spool: { pending: 0, capacity: 0, dropped: 0 },
      },
      collected: [],
      neverCollected: [],
      recent: [],
      history: summarizeLog([], { days: HISTORY_DAYS }),
    }),
    setMode: () => ({ ok: true }),
    forget: () => Promise.reject(new Error('telemetry is not wired in this runtime')),
    logFiles: () => [],
    browserConfig: () => null,
    ingest: async () => Response.json({ status: 1 }),
    sendUsage: async () => {},
  };
}
