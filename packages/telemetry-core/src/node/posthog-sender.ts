import { PostHog } from 'posthog-node';
import { DeliveryError } from '../delivery-error.js';
import type { OutgoingEvent } from '../envelope.js';
import { silentLogger, type TraceLogger } from '../ports.js';
import type { PreparingSender } from '../telemetry.js';

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
  /**
   * No attempt (retries included) starts at or after this time (ms since the epoch): a process with a hard cap
   * sets its cap minus the request timeout, so that an attempt is never cut off after PostHog accepted it.
   */
  noAttemptAfter?: number;
}

/** One attempt's posthog-node client: the events captured into it, then one delivery. */
interface Attempt {
  readonly captured: OutgoingEvent[];
  add(events: readonly OutgoingEvent[]): void;
  deliver(): Promise<void>;
}

function isRetryable(error: unknown): boolean {
  const status = (error as { status?: unknown })?.status;
  if (typeof status !== 'number') return true;
  return status === 408 || status === 429 || status >= 500;
}

/**
 * A sender on posthog-node, used through its public API only (an SDK upgrade must not be able to make it send
 * nothing while the local log says "sent"). posthog-node's own timer, queue limits and retries are out of the
 * way: the core batches, each attempt runs on a fresh client, this sender retries with backoff on timers that
 * never keep a process alive, nothing is printed (errors surface as rejections), and `close` aborts whatever is
 * still in flight so that a dead endpoint cannot hold the process past its deadline. Sends run one at a time, in
 * the order they were given; while one is answered, the batch the core named next (`prepare`) is captured into
 * its own client, so that posthog-node's per-event work overlaps the wait instead of following it.
 */
export function createPostHogSender(options: PostHogSenderOptions): PreparingSender {
  const logger = options.logger ?? silentLogger;
  const inFlight = new Set<AbortController>();
  const sleeping = new Set<() => void>();
  let closed = false;
  let retrying = true;
  // Every request goes to the same URL: its path (for the trace) is parsed once.
  let lastUrl = '';
  let lastPath = '';
  const pathOf = (url: string) => {
    if (url !== lastUrl) {
      lastUrl = url;
      lastPath = new URL(url).pathname;
    }
    return lastPath;
  };
  // Every request goes through the real fetch with a signal we own, so close() can end it.
  const ownedFetch = async (url: string, init: RequestInit & { signal?: AbortSignal }) => {
    if (closed) throw new Error('sender closed');
    const controller = new AbortController();
    init.signal?.addEventListener('abort', () => controller.abort(init.signal?.reason), { once: true });
    inFlight.add(controller);
    const path = pathOf(url);
    try {
      const pending = fetch(url, { ...init, signal: controller.signal });
      // This request is on its way: the next batch is captured while the endpoint answers (see prepareUpcoming).
      if (upcoming.length > 0) setImmediate(prepareUpcoming);
      const response = await pending;
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
  const clientOptions = {
    host: options.host,
    flushAt: Number.MAX_SAFE_INTEGER,
    flushInterval: 0,
    maxQueueSize: Number.MAX_SAFE_INTEGER,
    maxBatchSize: options.maxBatchSize ?? 100,
    requestTimeout: options.requestTimeoutMs ?? 3000,
    fetchRetryCount: 0,
    disableGeoip: true,
  };
  // Events tracked in a burst share their ISO timestamp; parsing it once per burst keeps replaying cheap. The
  // Date is only read by posthog-node (it formats a fresh string for the wire), so sharing one is safe.
  let lastIso = '';
  let lastDate = new Date(0);
  const dateOf = (iso: string) => {
    if (iso !== lastIso) {
      lastIso = iso;
      lastDate = new Date(iso);
    }
    return lastDate;
  };
  /**
   * One attempt at one batch, on a client of its own, through posthog-node's public API only: `capture` each
   * event, then `flush`, which waits for the captures to be queued and rejects when the batch was not accepted.
   * The client starts empty, so what is sent is exactly what was captured into it; its fetch is open only while
   * it delivers, so nothing it holds can leave before or after its one attempt (a retry is a new attempt).
   */
  const openAttempt = (): Attempt => {
    let open = false;
    const gatedFetch = (url: string, init: RequestInit & { signal?: AbortSignal }) =>
      open ? ownedFetch(url, init) : Promise.reject(new Error('attempt over'));
    const client = new PostHog(options.apiKey, {
      ...clientOptions,
      // biome-ignore lint/suspicious/noExplicitAny: posthog-node's fetch type is a structural subset of the global one.
      fetch: gatedFetch as any,
    });
    client.on('error', () => {});
    const captured: OutgoingEvent[] = [];
    return {
      captured,
      add(events) {
        for (const event of events) {
          let properties = event.properties;
          // Anonymous events must not create person profiles in PostHog. A copy, so the envelope (and the local
          // log's view of it) stays as the core built it; Object.assign measured several times faster than a spread.
          if (!('$set' in properties)) {
            properties = Object.assign({}, properties);
            properties.$process_person_profile = false;
          }
          client.capture({
            distinctId: event.distinctId,
            event: event.event,
            uuid: event.uuid,
            timestamp: dateOf(event.timestamp),
            properties,
          });
          captured.push(event);
        }
      },
      async deliver() {
        open = true;
        try {
          await client.flush();
        } finally {
          open = false;
        }
      },
    };
  };

  // The batch the core will most likely send next, captured into a client of its own while a request is in
  // flight, so that posthog-node's per-event work overlaps the wait for the endpoint instead of following it.
  let upcoming: readonly OutgoingEvent[] = [];
  let prepared: Attempt | undefined;
  const prepareUpcoming = () => {
    if (closed || upcoming.length === 0) return;
    prepared = openAttempt();
    prepared.add(upcoming);
    upcoming = [];
  };
  /** The prepared attempt when `events` start with exactly what it captured, topped up with the rest. */
  const takePrepared = (events: readonly OutgoingEvent[]): Attempt | undefined => {
    const attempt = prepared;
    prepared = undefined;
    // A hint for this very batch, given before its send came round, has served its purpose; one for the batch
    // after it is kept (the core names the next batch right after handing over this one).
    if (upcoming[0] === events[0]) upcoming = [];
    if (!attempt || attempt.captured.length > events.length) return undefined;
    for (let i = 0; i < attempt.captured.length; i += 1) if (attempt.captured[i] !== events[i]) return undefined;
    attempt.add(events.slice(attempt.captured.length));
    return attempt;
  };
  const sendOnce = async (events: readonly OutgoingEvent[], first: boolean) => {
    let attempt = first ? takePrepared(events) : undefined;
    if (!attempt) {
      attempt = openAttempt();
      attempt.add(events);
    }
    await attempt.deliver();
  };
  const retryCount = options.retryCount ?? 2;
  const retryDelayMs = options.retryDelayMs ?? 500;

  // One send after another (see above); a failed send does not stop the next.
  let previous: Promise<unknown> = Promise.resolve();
  const sendNow = async (events: readonly OutgoingEvent[]) => {
    for (let attempt = 0; ; attempt += 1) {
      if (closed) throw new DeliveryError('sender closed', true);
      if (options.noAttemptAfter !== undefined && Date.now() >= options.noAttemptAfter) {
        throw new DeliveryError('no time left for another attempt', true);
      }
      if (options.mayAttempt && !options.mayAttempt()) throw new DeliveryError('consent withdrawn', false);
      try {
        await sendOnce(events, attempt === 0);
        return;
      } catch (error) {
        const retryable = isRetryable(error);
        if (!retryable || attempt >= retryCount || !retrying || closed) {
          throw new DeliveryError(String((error as Error)?.message ?? error), retryable);
        }
        await pause(retryDelayMs * 2 ** attempt * (0.75 + Math.random() * 0.5));
      }
    }
  };

  return {
    // A hint (see PreparingSender): captured once this sender's current request is on its way.
    prepare(events) {
      upcoming = events;
    },
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
      prepared = undefined;
      upcoming = [];
      for (const wake of sleeping) wake();
      for (const controller of inFlight) controller.abort(new Error('telemetry deadline reached'));
    },
  };
}
