import { guardHooks } from '@elmo/app-shared';
import type { Provider, ProviderErrorKind } from '@elmo/elmo-telemetry';
import { createDeploymentTelemetry } from '@elmo/elmo-telemetry/deployment';
import type { WorkerEnv } from './env.js';

// The seam between the worker and telemetry: the worker calls these and knows nothing of what they do.

/** What the worker tells telemetry, and when. */
export interface WorkerTelemetryHooks {
  /** The worker reached the web app for the first time. */
  ready(): void;
  /** A job ended: `ok` false when it was reported as failed. */
  jobDone(ok: boolean): void;
  /** One attempt of a model provider call, for `provider_usage` (the provider enum and the class only). */
  providerCall(sample: { provider: Provider; durationMs: number; error?: ProviderErrorKind }): void;
  /** SIGTERM/SIGINT, after the worker stopped: flush what is pending (bounded by its own deadline). */
  shutdown(): Promise<void>;
}

/** Hooks that do nothing: the default until telemetry is wired in. */
export const noopWorkerTelemetryHooks: WorkerTelemetryHooks = {
  ready() {},
  jobDone() {},
  providerCall() {},
  shutdown: async () => {},
};

/** Creates the worker process's telemetry: lifecycle events keyed by the deployment id, live opt-out. */
export function createWorkerTelemetryHooks(env: WorkerEnv): WorkerTelemetryHooks {
  const telemetry = createDeploymentTelemetry({
    component: 'worker',
    deploymentDir: env.home,
    env: env.telemetryEnv,
    homedir: env.userHome,
    productVersion: env.productVersion,
    settings: env.settings,
    intervals: { flushMs: env.telemetryFlushMs, usageMs: env.telemetryUsageMs, heartbeatMs: env.telemetryHeartbeatMs },
  });
  let started = false;
  return {
    ready() {
      if (started) return;
      started = true;
      telemetry.started();
    },
    // Report outcomes are counted by the web app, which owns the jobs; the worker adds nothing per job.
    jobDone() {},
    providerCall(sample) {
      telemetry.providerCall(sample);
    },
    shutdown: () => telemetry.shutdown(2000),
  };
}

/** Wraps hooks so a throwing implementation can never stop a job or block shutdown. */
export function guardWorkerTelemetryHooks(hooks: WorkerTelemetryHooks): WorkerTelemetryHooks {
  return guardHooks<WorkerTelemetryHooks>(hooks, { ready: true, jobDone: true, providerCall: true, shutdown: true });
}
