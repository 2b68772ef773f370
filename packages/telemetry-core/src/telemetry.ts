import type { Catalog, EventSpec, ExplicitName, PropsOf, TrackedName } from './catalog.js';
import type { ConsentDecision } from './consent.js';
import { createConsentWatcher } from './consent-watcher.js';
import { isRetryableFailure } from './delivery-error.js';
import type { OutgoingEvent } from './envelope.js';
import { createEventBuilder } from './event-builder.js';
import { createExplicitSubmitter, type ExplicitSubmission } from './explicit-submission.js';
import { createFlushScheduler } from './flush-scheduler.js';
import { createLocalLogRecorder, loggedAs } from './local-log-recorder.js';
import { type LocalLog, type Sender, silentLogger, type TraceLogger } from './ports.js';
import { BoundedQueue } from './queue.js';
import { createTraceGuard } from './trace-guard.js';

/** Everything the core needs, passed in so that nothing reads the environment, the clock or randomness directly. */
export interface TelemetryOptions<C extends Catalog> {
  catalog: C;
  /** Read at capture and again before each send; a withdrawal drops the queue. */
  consent: () => ConsentDecision;
  /** The distinct id, read only when an event is about to be queued; undefined means "send nothing". */
  identity: () => string | undefined;
  sender: PreparingSender;
  /** Common properties (version, os, …), checked against the catalog's common properties once. */
  common: Record<string, unknown>;
  /**
   * One id per process, sent as `session_id` on every event; undefined sends none (ephemeral identity, SPEC §4:
   * nothing may link two events).
   */
  sessionId: string | undefined;
  now?: () => number;
  uuid?: () => string;
  logger?: TraceLogger;
  localLog?: LocalLog;
  /** Preview mode: each event is handed here and nothing is sent. */
  preview?: (event: OutgoingEvent) => void;
  /** Send when this many events are queued (default 20). */
  flushAt?: number;
  /** Send queued events at least this often, in ms (default 30 s); 0 disables the timer. */
  flushIntervalMs?: number;
  /** Queue capacity; the oldest event is dropped and counted beyond it (default 1,000). */
  maxQueueSize?: number;
  /** Re-read consent this often, in ms, so a withdrawal applies without a restart; 0 disables it. */
  consentPollMs?: number;
  /**
   * After a failed send, the queue waits this long before the next try (default 1 s), doubling per failure up
   * to the flush interval; events stay queued meanwhile (SPEC §7: nothing is lost to an outage).
   */
  retryBackoffMs?: number;
  /**
   * Where the events the shutdown deadline could not deliver go, to be sent after the next start (a disk spool);
   * returns false (or throws) when they could not be kept. Without it they are dropped and logged.
   */
  keepUndelivered?: (events: readonly OutgoingEvent[]) => boolean;
}

/**
 * A sender that may be told which events will most likely start its next send, while the current one is in
 * flight (posthog-node's sender builds that request meanwhile). A hint only: the next send may differ.
 */
export interface PreparingSender extends Sender {
  prepare?(events: readonly OutgoingEvent[]): void;
}

/** Counters for status pages and tests. */
export interface TelemetryStatus {
  consent: ConsentDecision;
  queued: number;
  sent: number;
  failed: number;
  droppedByCapacity: number;
  droppedByConsent: number;
  droppedProperties: number;
  /** Events not sent because their catalog entry had expired (SPEC §5); each is logged as dropped, `expired`. */
  droppedExpired: number;
  /** The queue's capacity (its bound). */
  capacity: number;
  /** Events the endpoint refused for good (400 and the like): dropped, never retried. */
  refused: number;
  /** Consecutive failed sends; the queue is kept and retried with backoff while this is above 0. */
  failedAttempts: number;
  /** Events handed to `keepUndelivered` at shutdown. */
  kept: number;
}

/** The telemetry client: typed by its catalog, inert while consent is absent. */
export interface Telemetry<C extends Catalog> {
  track<N extends TrackedName<C>>(name: N, properties?: PropsOf<C['events'][N]>): void;
  submitExplicit<N extends ExplicitName<C>>(name: N, submission: ExplicitSubmission<C['events'][N]>): Promise<boolean>;
  flush(): Promise<void>;
  /**
   * Queues events tracked earlier (by this process before a restart, say), keeping their uuids so that PostHog
   * can deduplicate a resend. Dropped and logged while consent is withdrawn.
   */
  restore(events: readonly OutgoingEvent[]): void;
  /** Drops every queued event, logged as dropped with `reason` (an id being forgotten, say); returns how many. */
  discard(reason: string): number;
  /** Stops timers, sends what is queued, and gives up at the deadline (default 2 s). Never rejects. */
  shutdown(deadlineMs?: number): Promise<void>;
  status(): TelemetryStatus;
  /** Called whenever re-reading consent gives a different answer. */
  onConsentChange(listener: (decision: ConsentDecision) => void): () => void;
}

const SHUTDOWN_RESERVE_MS = 250;
// Events per send (posthog-node's default batch).
const BATCH_SIZE = 100;
// How long an aborted request may take to settle after close(), out of the reserve above.
const SETTLE_MS = 100;

/** Creates a telemetry client. See DESIGN §2: all effects come in through options. */
export function createTelemetry<C extends Catalog>(options: TelemetryOptions<C>): Telemetry<C> {
  const now = options.now ?? Date.now;
  const uuid = options.uuid ?? (() => crypto.randomUUID());
  const logger = options.logger ?? silentLogger;
  const guard = createTraceGuard(logger);
  const flushAt = options.flushAt ?? 20;
  const queue = new BoundedQueue<OutgoingEvent>(options.maxQueueSize ?? 1000);
  const counters = {
    sent: 0,
    failed: 0,
    droppedByConsent: 0,
    refused: 0,
    kept: 0,
  };
  const intervalMs = options.flushIntervalMs ?? 30_000;
  const backoffMs = options.retryBackoffMs ?? 1000;
  const recorder = createLocalLogRecorder({ localLog: options.localLog, now, guard });
  const builder = createEventBuilder({
    catalog: options.catalog,
    common: options.common,
    sessionId: options.sessionId,
    identity: options.identity,
    uuid,
    logger,
    record: (event, status, reason) => recorder.record([event], status, reason),
  });
  let closed = false;
  // Set when shutdown has taken the queue for the last time: a batch that fails after it is settled at once.
  let drained = false;
  let failedAttempts = 0;
  let retryAt = 0;

  const dropQueue = (reason: string) => {
    const dropped = queue.take();
    counters.droppedByConsent += dropped.length;
    recorder.record(dropped, 'dropped', reason);
    if (dropped.length) logger.trace('telemetry: queue dropped', { count: dropped.length, reason });
    return dropped.length;
  };

  const consent = createConsentWatcher({
    consent: options.consent,
    logger,
    guard,
    onWithdrawn: () => dropQueue('consent withdrawn'),
    pollMs: options.consentPollMs,
  });

  const recordCapacityDrops = (dropped: readonly OutgoingEvent[]) => {
    if (dropped.length === 0) return;
    recorder.record(dropped, 'dropped', 'queue full');
    logger.trace('telemetry: queue full, oldest dropped', { count: dropped.length, capacity: queue.capacity });
  };

  // What shutdown could not deliver: kept for the next start when the host can, else dropped; logged either way.
  const settleUndelivered = (events: readonly OutgoingEvent[]) => {
    if (events.length === 0) return;
    let kept = false;
    if (options.keepUndelivered && consent.read().enabled) {
      guard('keep undelivered', () => {
        kept = options.keepUndelivered?.(events) === true;
      });
    }
    if (kept) {
      counters.kept += events.length;
      recorder.record(events, 'queued', 'kept for the next start');
    } else {
      counters.failed += events.length;
      recorder.record(events, 'dropped', 'shutdown deadline reached');
    }
  };

  /** Sends one batch; false when it failed retryably and went back to the front of the queue. */
  const sendBatch = async (batch: OutgoingEvent[]): Promise<boolean> => {
    try {
      await options.sender.send(batch);
      failedAttempts = 0;
      counters.sent += batch.length;
      recorder.record(batch, loggedAs(options.sender));
      logger.trace('telemetry: sent', { count: batch.length });
      return true;
    } catch (error) {
      logger.trace('telemetry: send failed', { count: batch.length, error: String(error) });
      if (!consent.read().enabled) {
        counters.droppedByConsent += batch.length;
        recorder.record(batch, 'dropped', 'consent withdrawn');
        return true;
      }
      if (!isRetryableFailure(error)) {
        counters.refused += batch.length;
        recorder.record(batch, 'dropped', 'refused by the endpoint');
        return true;
      }
      if (drained) {
        settleUndelivered(batch);
        return false;
      }
      // Kept, in front, for a later flush: an outage loses nothing unless it outlasts the queue's bound.
      recordCapacityDrops(queue.requeue(batch));
      failedAttempts += 1;
      const delay = Math.min(backoffMs * 2 ** (failedAttempts - 1), Math.max(backoffMs, intervalMs));
      retryAt = now() + delay * (0.75 + Math.random() * 0.5);
      return false;
    }
  };

  const scheduler = createFlushScheduler({
    intervalMs,
    flushOnce: async () => {
      if (queue.size === 0) return;
      if (!consent.read().enabled) {
        dropQueue('consent withdrawn');
        return;
      }
      // Backing off after a failure: the flush that comes due after the pause tries again (not at shutdown).
      if (!closed && now() < retryAt) return scheduler.schedule(retryAt - now());
      while (queue.size > 0) {
        const sent = sendBatch(queue.take(BATCH_SIZE));
        // Named while this batch is in flight, so that a sender that can gets the next one ready meanwhile.
        if (queue.size > 0) guard('prepare', () => options.sender.prepare?.(queue.peek(BATCH_SIZE)));
        if (!(await sent)) {
          if (!closed) scheduler.schedule(Math.max(0, retryAt - now()));
          return;
        }
      }
    },
  });

  const enqueue = (event: OutgoingEvent) => {
    if (options.preview) {
      guard('preview', () => options.preview?.(event));
      recorder.record([event], 'preview');
      return;
    }
    // Logged when its fate is known (sent, spooled, kept local or dropped), so tracking itself stays cheap.
    const dropped = queue.push(event);
    if (dropped) recordCapacityDrops([dropped]);
    logger.trace('telemetry: enqueued', { event: event.event, queued: queue.size });
    if (queue.size >= flushAt) void scheduler.flush();
    else scheduler.schedule();
  };

  const trackOne = (name: string, properties: Record<string, unknown> | undefined) => {
    const decision = consent.read();
    const local = !decision.enabled && decision.mode === 'local';
    if (!decision.enabled && !local) return;
    const event = builder.build(name, properties, now(), local);
    if (event) enqueue(event);
  };

  const track: Telemetry<C>['track'] = (name, properties) => {
    if (closed) return;
    // Not through `guard`, which would cost a closure per event; the catch is the same.
    try {
      trackOne(name, properties as Record<string, unknown> | undefined);
    } catch (error) {
      logger.trace('telemetry: track failed', { error: String(error) });
    }
  };

  const submitExplicit = createExplicitSubmitter({
    events: options.catalog.events as Record<string, EventSpec>,
    common: builder.common,
    sessionId: options.sessionId,
    isEnabled: () => consent.read().enabled,
    identity: options.identity,
    sender: options.sender,
    now,
    uuid,
    preview: options.preview,
    recorder,
    guard,
    logger,
  });

  const shutdown = async (deadlineMs = 2000) => {
    if (closed) return;
    closed = true;
    scheduler.stop();
    consent.stop();
    guard('stop retrying', () => options.sender.stopRetrying?.());
    // Keep a little of the budget for aborting connections, so the whole shutdown fits in the deadline.
    // This timer is not unref'd: it is bounded, and a caller awaiting shutdown() must see it resolve.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadlineMs - SHUTDOWN_RESERVE_MS));
    });
    const flushed = scheduler.flush().catch(() => {});
    await Promise.race([flushed, deadline]);
    if (timer) clearTimeout(timer);
    await options.sender.close?.().catch((error) => logger.trace('telemetry: close failed', { error: String(error) }));
    // Closing aborted what was in flight: let that batch settle (it goes back to the queue), then keep whatever is
    // still queued for the next start (or drop it), so that the local log accounts for every event.
    await Promise.race([flushed, new Promise((resolve) => setTimeout(resolve, SETTLE_MS))]);
    drained = true;
    settleUndelivered(queue.take());
    recorder.flush();
  };

  const restore: Telemetry<C>['restore'] = (restored) => {
    if (closed || restored.length === 0) return;
    if (!consent.read().enabled) {
      counters.droppedByConsent += restored.length;
      recorder.record(restored, 'dropped', 'consent withdrawn');
      return;
    }
    for (const event of restored) {
      const dropped = queue.push(event);
      if (dropped) recordCapacityDrops([dropped]);
    }
    logger.trace('telemetry: restored', { count: restored.length, queued: queue.size });
    void scheduler.flush();
  };

  return {
    track,
    submitExplicit: (name, submission) => submitExplicit(name, submission),
    flush: scheduler.flush,
    restore,
    discard: (reason) => {
      const count = dropQueue(reason);
      recorder.flush();
      return count;
    },
    shutdown,
    status: () => ({
      consent: consent.read(),
      queued: queue.size,
      capacity: queue.capacity,
      droppedByCapacity: queue.dropped,
      failedAttempts,
      ...counters,
      ...builder.counts,
    }),
    onConsentChange: consent.onChange,
  };
}
