import { PostHog } from 'posthog-node';
import type { OutgoingEvent } from '../envelope.js';
import type { Sender } from '../ports.js';
import { DeliveryError } from './delivery-error.js';

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
}

function isRetryable(error: unknown): boolean {
  const status = (error as { status?: unknown })?.status;
  if (typeof status !== 'number') return true;
  return status === 408 || status === 429 || status >= 500;
}

/**
 * A sender on posthog-node: one long-lived client per process. The client's own timer and queue limits are
 * out of the way (the core batches), nothing is printed (errors surface as rejections), and `close` aborts
 * whatever is still in flight at the deadline so that a dead endpoint cannot keep the process alive.
 */
export function createPostHogSender(options: PostHogSenderOptions): Sender {
  const inFlight = new Set<AbortController>();
  let closed = false;
  // Every request goes through the real fetch with a signal we own, so close() can end it.
  const ownedFetch = async (url: string, init: RequestInit & { signal?: AbortSignal }) => {
    if (closed) throw new Error('sender closed');
    const controller = new AbortController();
    init.signal?.addEventListener('abort', () => controller.abort(init.signal?.reason), { once: true });
    inFlight.add(controller);
    try {
      return await fetch(url, { ...init, signal: controller.signal });
    } finally {
      inFlight.delete(controller);
    }
  };
  const client = new PostHog(options.apiKey, {
    host: options.host,
    flushAt: Number.MAX_SAFE_INTEGER,
    flushInterval: 0,
    maxQueueSize: Number.MAX_SAFE_INTEGER,
    maxBatchSize: options.maxBatchSize ?? 100,
    requestTimeout: options.requestTimeoutMs ?? 3000,
    fetchRetryCount: options.retryCount ?? 2,
    fetchRetryDelay: options.retryDelayMs ?? 500,
    disableGeoip: true,
    // biome-ignore lint/suspicious/noExplicitAny: posthog-node's fetch type is a structural subset of the global one.
    fetch: ownedFetch as any,
  });
  client.on('error', () => {});

  return {
    async send(events: readonly OutgoingEvent[]) {
      if (closed) throw new DeliveryError('sender closed', true);
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
      } catch (error) {
        // posthog-node keeps a batch that hit a network error for its next flush; the caller decides what
        // happens to undelivered events (the spool keeps them, a server drops and counts them), so forget it.
        client.setPersistedProperty('queue' as never, []);
        throw new DeliveryError(String((error as Error)?.message ?? error), isRetryable(error));
      }
    },
    async close(deadlineMs: number) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        client.flush().catch(() => {}),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, deadlineMs);
          timer.unref?.();
        }),
      ]);
      if (timer) clearTimeout(timer);
      closed = true;
      for (const controller of inFlight) controller.abort(new Error('telemetry deadline reached'));
    },
  };
}
