import { classifyStatus, ProviderCallError, parseRetryAfter, StopRequested } from './provider-error.js';

/** One POST of a JSON body to a provider. */
export interface PostJsonOptions {
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** The whole attempt, answer body included. */
  timeoutMs: number;
  /** The worker's stop: aborts the attempt with StopRequested. */
  signal: AbortSignal;
}

/**
 * POSTs `body` and returns the parsed JSON answer, or throws a ProviderCallError: timeout (ours), the class of
 * an error status, or `other` for a network failure (retryable) or an answer that is not JSON (not retryable).
 * fetch's own errors are never passed on: their messages and causes name the host and port.
 */
export async function postJson(options: PostJsonOptions): Promise<unknown> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  const failed = (): never => {
    if (options.signal.aborted) throw new StopRequested();
    if (timeout.aborted) throw new ProviderCallError('timeout', null, true);
    throw new ProviderCallError('other', null, true);
  };
  let response: Response;
  let text: string;
  try {
    response = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify(options.body),
      signal,
    });
    text = await response.text();
  } catch {
    return failed();
  }
  if (!response.ok) {
    throw classifyStatus(response.status, parseRetryAfter(response.headers.get('retry-after'), Date.now()));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ProviderCallError('other', null, false);
  }
}

/** A malformed answer: valid JSON without the text where that API puts it. */
export function malformedAnswer(): ProviderCallError {
  return new ProviderCallError('other', null, false);
}
