import type { ProviderErrorKind } from '@elmo/elmo-telemetry';

// Errors of provider calls carry a class and a status only: the message is built from those two, never from the
// URL, the key or the provider's answer, so that nothing secret can reach a log line, a report or an event.

/** One failed attempt: its class (SPEC §12), the HTTP status when the status was the failure, and whether to retry. */
export class ProviderCallError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    readonly status: number | null,
    readonly retryable: boolean,
    /** What the provider's Retry-After asked for, in ms. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(status === null ? `provider call failed: ${kind}` : `provider call failed: ${kind} (HTTP ${status})`);
    this.name = 'ProviderCallError';
  }
}

/** The worker is stopping: the call was cut, and the job is left for the web app to hand out again. */
export class StopRequested extends Error {
  constructor() {
    super('stopped while asking a provider');
    this.name = 'StopRequested';
  }
}

/** The class of an HTTP error status, and whether another attempt may fare better (never after 400/401/403). */
export function classifyStatus(status: number, retryAfterMs: number | null = null): ProviderCallError {
  if (status === 401 || status === 403) return new ProviderCallError('auth', status, false);
  if (status === 429) return new ProviderCallError('rate_limited', status, true, retryAfterMs);
  if (status === 408) return new ProviderCallError('timeout', status, true, retryAfterMs);
  if (status >= 500) return new ProviderCallError('server', status, true, retryAfterMs);
  return new ProviderCallError('other', status, false);
}

/** A Retry-After header (seconds or an HTTP date) in ms from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
