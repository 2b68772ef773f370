import type { ReportResult } from '@elmo/app-shared';
import type { Provider, ProviderErrorKind } from '@elmo/elmo-telemetry';
import { askProvider, describeFailures } from './providers/ask-provider.js';
import type { RetryOptions } from './providers/call-with-retries.js';
import type { ProviderClient } from './providers/provider-client.js';
import { computeReport, type ReportInput } from './report.js';

/** Computes a report; `signal` is the worker's stop, which cuts provider calls in flight. */
export type ComputeReport = (
  input: ReportInput,
  now: Date,
  signal: AbortSignal,
) => ReportResult | Promise<ReportResult>;

/** What a full report needs besides its input. */
export interface ReportRunnerOptions {
  clients: readonly ProviderClient[];
  retry: Omit<RetryOptions, 'onAttempt'>;
  /** Each provider attempt, for `provider_usage` (the worker's telemetry hook). */
  onCall?: (sample: { provider: Provider; durationMs: number; error?: ProviderErrorKind }) => void;
  log?: (line: string) => void;
}

/**
 * The report of SPEC §12: the brand's inventory, then each configured provider asked each prompt in turn. A
 * report whose every call failed still completes: the failures are its result.
 */
export function createReportRunner(options: ReportRunnerOptions): ComputeReport {
  return async (input, now, signal) => {
    const report = computeReport(input, now);
    for (const client of options.clients) {
      const provider = client.provider;
      const result = await askProvider(client, input, signal, {
        ...options.retry,
        onAttempt: (attempt) => options.onCall?.({ provider, ...attempt }),
      });
      const failures = describeFailures(result);
      if (failures) options.log?.(failures);
      report.providers.push(result);
    }
    return report;
  };
}
