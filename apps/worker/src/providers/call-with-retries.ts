import type { ProviderFailure } from '@elmo/app-shared';
import type { ProviderErrorKind } from '@elmo/elmo-telemetry';
import type { ProviderClient, Question } from './provider-client.js';
import { ProviderCallError, StopRequested } from './provider-error.js';

/** How a question is retried; the clock and the pause come in so tests need not wait. */
export interface RetryOptions {
  /** Retries after the first attempt (SPEC §12: bounded); 2 means at most 3 attempts. */
  retries: number;
  /** Pause before the first retry, doubled for each further one (default 500 ms). */
  backoffMs?: number;
  /** A Retry-After longer than this is cut to it, so one provider cannot stall a report (default 10 s). */
  maxRetryAfterMs?: number;
  /** Each attempt, as it ends: for `provider_usage`. An attempt cut by the worker's stop is not reported. */
  onAttempt?: (attempt: { durationMs: number; error?: ProviderErrorKind }) => void;
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The outcome of one question: the answer, or the last attempt's failure; `attempts` lists every attempt's error. */
export type CallOutcome =
  | { ok: true; text: string; errors: ProviderErrorKind[] }
  | { ok: false; failure: ProviderFailure; errors: ProviderErrorKind[] };

/** A pause that ends early, with StopRequested, when the worker stops. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new StopRequested());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new StopRequested());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Asks `question` until it is answered, fails for good (auth, a bad request, a malformed answer) or the retries
 * are spent; pauses with exponential backoff, or as long as Retry-After asks up to a cap. Rejects only with
 * StopRequested (the worker is stopping) or with an error of our own code.
 */
export async function callWithRetries(
  client: ProviderClient,
  question: Question,
  signal: AbortSignal,
  options: RetryOptions,
): Promise<CallOutcome> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const backoffMs = options.backoffMs ?? 500;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 10_000;
  const errors: ProviderErrorKind[] = [];
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) throw new StopRequested();
    const started = now();
    try {
      const text = await client.ask(question, signal);
      options.onAttempt?.({ durationMs: now() - started });
      return { ok: true, text, errors };
    } catch (error) {
      if (!(error instanceof ProviderCallError)) throw error;
      errors.push(error.kind);
      options.onAttempt?.({ durationMs: now() - started, error: error.kind });
      if (!error.retryable || attempt >= options.retries) {
        return { ok: false, failure: { kind: error.kind, status: error.status }, errors };
      }
      const pause =
        error.retryAfterMs === null ? backoffMs * 2 ** attempt : Math.min(error.retryAfterMs, maxRetryAfterMs);
      await sleep(pause, signal);
    }
  }
}
