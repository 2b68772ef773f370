import { guardHooks } from '@elmo/app-shared';

// The seam between the product and telemetry. The app calls these at the right moments and knows nothing of
// what they do; the default does nothing, so the product works (and is tested) on its own.

/** Product features counted for telemetry (counts only, never names or text). */
export type FeatureName =
  | 'brands_created'
  | 'brands_renamed'
  | 'brands_deleted'
  | 'prompts_created'
  | 'prompts_edited'
  | 'prompts_deleted'
  | 'reports_requested'
  | 'reports_completed'
  | 'reports_failed';

/** What the web app tells telemetry, and when. */
export interface DeploymentTelemetryHooks {
  /** A feature was used `n` times (default 1). */
  featureUsed(name: FeatureName, n?: number): void;
  /** Current totals, after start and after every change to them. */
  totals(t: { brands_total: number; prompts_total: number }): void;
  /**
   * One API request: `route` is the template (`/api/brands/[id]`), never the real path or query. Called on every
   * request, so it takes plain arguments and must stay O(1) with no allocation (DESIGN §5: ≤ 1.03 latency).
   */
  apiRequest(route: string, method: string, status: number, durationMs: number): void;
  /** The server is ready: database open and migrated, signal handlers installed. */
  ready(): void;
  /** SIGTERM/SIGINT: flush what is pending (bounded by its own deadline); the database closes after it. */
  shutdown(): Promise<void>;
}

/** Hooks that do nothing: the default until telemetry is wired in. */
export const noopTelemetryHooks: DeploymentTelemetryHooks = {
  featureUsed() {},
  totals() {},
  apiRequest() {},
  ready() {},
  shutdown: async () => {},
};

/** Wraps hooks so a throwing implementation can never fail a request or block shutdown. */
export function guardTelemetryHooks(hooks: DeploymentTelemetryHooks): DeploymentTelemetryHooks {
  return {
    ...guardHooks<DeploymentTelemetryHooks>(hooks, {
      featureUsed: true,
      totals: true,
      apiRequest: true,
      ready: true,
      shutdown: true,
    }),
    // The per-request hook is guarded by hand: the generic guard gathers its arguments into a new array per call.
    apiRequest(route, method, status, durationMs) {
      try {
        hooks.apiRequest(route, method, status, durationMs);
      } catch {
        // A failing count never fails the request it counts.
      }
    },
  };
}

/** A call recorded by createRecordingTelemetryHooks. */
export type RecordedHookCall = { hook: keyof DeploymentTelemetryHooks; args: unknown[] };

/** In-memory hooks that record every call, for tests. */
export function createRecordingTelemetryHooks(): DeploymentTelemetryHooks & { calls: RecordedHookCall[] } {
  const calls: RecordedHookCall[] = [];
  return {
    calls,
    featureUsed: (...args) => void calls.push({ hook: 'featureUsed', args }),
    totals: (...args) => void calls.push({ hook: 'totals', args }),
    apiRequest: (...args) => void calls.push({ hook: 'apiRequest', args }),
    ready: () => void calls.push({ hook: 'ready', args: [] }),
    shutdown: async () => void calls.push({ hook: 'shutdown', args: [] }),
  };
}
