import { PostHog } from 'posthog-node';
import type { OutgoingEvent } from '../envelope.js';
import { type Sender, silentLogger, type TraceLogger } from '../ports.js';
import { DeliveryError } from './spool/delivery-error.js';

/** How the PostHog sender reaches its destination. Defaults are short so telemetry never holds a process. */
export interface PostHogSenderOptions {
  host: string;
  apiKey: string;
  /** Per-request timeout (SPEC §7: at most 5 s). */
  requestTimeoutMs?: number;
  /** Retries on 408, 429, 5xx and network errors, with `retryDelayMs` between them. */
  retryCount?: number;
  retryDelayMs?: number;
  /** Largest batch per request; posthog-node halves it on 413. */
  maxBatchSize?: number;
  /** Trace logging of each request's outcome (`LOG_LEVEL=trace`). */
  logger?: TraceLogger;
  /**
   * Asked before every attempt, retries included: false ends the send with a non-retryable error, so that a
   * withdrawal of consent made while a slow endpoint is retried stops what would still leave (SPEC §7).
   */
  mayAttempt?: () => boolean;
}

function isRetryable(error: unknown): boolean {
  const status = (error as { status?: unknown })?.status;
  if (typeof status !== 'number') return true;
  return status === 408 || status === 429 || status >= 500;
}

/**
 * A sender on posthog-node: one long-lived client per process. The client's own timer, queue limits and
 * retries are out of the way: the core batches, this sender retries with backoff on timers that never keep a
 * process alive, nothing is printed (errors surface as rejections), and `close` aborts whatever is still in
 * flight so that a dead endpoint cannot hold the process past its deadline. Sends run one at a time, in order:
 * each attempt starts from an empty client queue, so two overlapping sends (a server's own client and its browser
 * client share one sender) would otherwise empty each other's batch and report it sent.
 */
export function createPostHogSender(options: PostHogSenderOptions): Sender {
  const logger = options.logger ?? silentLogger;
  const inFlight = new Set<AbortController>();
  const sleeping = new Set<() => void>();
  let closed = false;
  let retrying = true;
  // Every request goes through the real fetch with a signal we own, so close() can end it.
  const ownedFetch = async (url: string, init: RequestInit & { signal?: AbortSignal }) => {
    if (closed) throw new Error('sender closed');
    const controller = new AbortController();
    init.signal?.addEventListener('abort', () => controller.abort(init.signal?.reason), { once: true });
    inFlight.add(controller);
    const path = new URL(url).pathname;
    try {
      const response = await fetch(url, { ...init, signal: controller.signal });
      logger.trace('telemetry: http', { path, status: response.status });
      return response;
    } catch (error) {
      logger.trace('telemetry: http failed', { path, error: String((error as Error)?.cause ?? error) });
      throw error;
    } finally {
      inFlight.delete(controller);
    }
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleeping.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref?.();
      sleeping.add(wake);
    });
  const client = new PostHog(options.apiKey, {
    host: options.host,
    flushAt: Number.MAX_SAFE_INTEGER,
    flushInterval: 0,
    maxQueueSize: Number.MAX_SAFE_INTEGER,
    maxBatchSize: options.maxBatchSize ?? 100,
    requestTimeout: options.requestTimeoutMs ?? 3000,
    fetchRetryCount: 0,
    disableGeoip: true,
    // biome-ignore lint/suspicious/noExplicitAny: posthog-node's fetch type is a structural subset of the global one.
    fetch: ownedFetch as any,
  });
  client.on('error', () => {});
  // posthog-node keeps a batch that hit a network error for its next flush; each attempt here starts clean
  // so that what is sent is exactly the batch given, and the caller decides what happens to a failed one.
  const forgetQueue = () => client.setPersistedProperty('queue' as never, []);
  const retryCount = options.retryCount ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 500;

  // One send after another (see above); a failed send does not stop the next.
  let previous: Promise<unknown> = Promise.resolve();
  const sendNow = async (events: readonly OutgoingEvent[]) => {
    for (let attempt = 0; ; attempt += 1) {
      if (closed) throw new DeliveryError('sender closed', true);
      if (options.mayAttempt && !options.mayAttempt()) throw new DeliveryError('consent withdrawn', false);
      forgetQueue();
      for (const event of events) {
        const anonymous = !('$set' in event.properties);
        client.capture({
          distinctId: event.distinctId,
          event: event.event,
          uuid: event.uuid,
          timestamp: new Date(event.timestamp),
          // Anonymous events must not create person profiles in PostHog.
          properties: anonymous ? { ...event.properties, $process_person_profile: false } : event.properties,
        });
      }
      try {
        await client.flush();
        return;
      } catch (error) {
        forgetQueue();
        const retryable = isRetryable(error);
        if (!retryable || attempt >= retryCount || !retrying || closed) {
          throw new DeliveryError(String((error as Error)?.message ?? error), retryable);
        }
        await pause(retryDelayMs * 2 ** attempt * (0.75 + Math.random() * 0.5));
      }
    }
  };

  return {
    send(events: readonly OutgoingEvent[]) {
      const run = previous.then(() => sendNow(events));
      previous = run.catch(() => {});
      return run;
    },
    stopRetrying() {
      retrying = false;
      for (const wake of sleeping) wake();
    },
    // The core waited for its flush already; whatever is still in flight now is past the deadline.
    async close() {
      closed = true;
      for (const wake of sleeping) wake();
      for (const controller of inFlight) controller.abort(new Error('telemetry deadline reached'));
    },
  };
}
