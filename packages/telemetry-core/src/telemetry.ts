import type { Catalog, EventSpec, ExplicitName, PropsOf, TrackedName } from './catalog.js';
import type { ConsentDecision } from './consent.js';
import { createConsentWatcher } from './consent-watcher.js';
import { buildEnvelope, type OutgoingEvent } from './envelope.js';
import { createExplicitSubmitter, type ExplicitSubmission } from './explicit-submission.js';
import { createFlushScheduler } from './flush-scheduler.js';
import { createLocalLogRecorder, loggedAs } from './local-log-recorder.js';
import { type LocalLog, type Sender, silentLogger, type TraceLogger } from './ports.js';
import { BoundedQueue } from './queue.js';
import { sanitizeEvent, sanitizeProperties } from './sanitize.js';
import { createTraceGuard } from './trace-guard.js';

/** Everything the core needs, passed in so that nothing reads the environment, the clock or randomness directly. */
export interface TelemetryOptions<C extends Catalog> {
  catalog: C;
  /** Read at capture and again before each send; a withdrawal drops the queue. */
  consent: () => ConsentDecision;
  /** The distinct id, read only when an event is about to be queued; undefined means "send nothing". */
  identity: () => string | undefined;
  sender: Sender;
  /** Common properties (version, os, …), checked against the catalog's common properties once. */
  common: Record<string, unknown>;
  sessionId: string;
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
}

/** The telemetry client: typed by its catalog, inert while consent is absent. */
export interface Telemetry<C extends Catalog> {
  track<N extends TrackedName<C>>(name: N, properties?: PropsOf<C['events'][N]>): void;
  submitExplicit<N extends ExplicitName<C>>(name: N, submission: ExplicitSubmission<C['events'][N]>): Promise<boolean>;
  flush(): Promise<void>;
  /** Stops timers, sends what is queued, and gives up at the deadline (default 2 s). Never rejects. */
  shutdown(deadlineMs?: number): Promise<void>;
  status(): TelemetryStatus;
  /** Called whenever re-reading consent gives a different answer. */
  onConsentChange(listener: (decision: ConsentDecision) => void): () => void;
}

const SHUTDOWN_RESERVE_MS = 250;
// How long an aborted request may take to settle after close(), out of the reserve above.
const SETTLE_MS = 100;

/** Creates a telemetry client. See DESIGN §2: all effects come in through options. */
export function createTelemetry<C extends Catalog>(options: TelemetryOptions<C>): Telemetry<C> {
  const now = options.now ?? Date.now;
  const uuid = options.uuid ?? (() => crypto.randomUUID());
  const logger = options.logger ?? silentLogger;
  const guard = createTraceGuard(logger);
  const flushAt = options.flushAt ?? 20;
  const events = options.catalog.events as Record<string, EventSpec>;
  const queue = new BoundedQueue<OutgoingEvent>(options.maxQueueSize ?? 1000);
  const common = sanitizeProperties(options.catalog.common, options.common).properties;
  // Built once: every tracked event starts from the common properties and this process's session id.
  const base = { ...common, session_id: options.sessionId };
  const counters = { sent: 0, failed: 0, droppedByConsent: 0, droppedProperties: 0 };
  const recorder = createLocalLogRecorder({ localLog: options.localLog, now, guard });
  let closed = false;

  const dropQueue = (reason: string) => {
    const dropped = queue.take();
    counters.droppedByConsent += dropped.length;
    recorder.record(dropped, 'dropped', reason);
    if (dropped.length) logger.trace('telemetry: queue dropped', { count: dropped.length, reason });
  };

  const consent = createConsentWatcher({
    consent: options.consent,
    logger,
    guard,
    onWithdrawn: () => dropQueue('consent withdrawn'),
    pollMs: options.consentPollMs,
  });

  const sendBatch = async (batch: OutgoingEvent[]) => {
    try {
      await options.sender.send(batch);
      counters.sent += batch.length;
      recorder.record(batch, loggedAs(options.sender));
      logger.trace('telemetry: sent', { count: batch.length });
    } catch (error) {
      counters.failed += batch.length;
      recorder.record(batch, 'dropped', consent.read().enabled ? 'delivery failed' : 'consent withdrawn');
      logger.trace('telemetry: send failed', { count: batch.length, error: String(error) });
    }
  };

  const scheduler = createFlushScheduler({
    intervalMs: options.flushIntervalMs ?? 30_000,
    flushOnce: async () => {
      if (queue.size === 0) return;
      if (!consent.read().enabled) return dropQueue('consent withdrawn');
      while (queue.size > 0) await sendBatch(queue.take(100));
    },
  });

  const enqueue = (event: OutgoingEvent) => {
    if (options.preview) {
      guard('preview', () => options.preview?.(event));
      recorder.record([event], 'preview');
      return;
    }
    // Logged when its fate is known (sent, spooled, kept local or dropped), so tracking itself stays cheap.
    queue.push(event);
    logger.trace('telemetry: enqueued', { event: event.event, queued: queue.size });
    if (queue.size >= flushAt) void scheduler.flush();
    else scheduler.schedule();
  };

  const track: Telemetry<C>['track'] = (name, properties) => {
    if (closed) return;
    guard('track', () => {
      if (!consent.read().enabled) return;
      const spec = events[name];
      if (!spec || spec.explicit) return logger.trace('telemetry: not a tracked event', { event: String(name) });
      const { properties: own, dropped } = sanitizeEvent(spec, (properties ?? {}) as Record<string, unknown>);
      counters.droppedProperties += dropped.length;
      if (dropped.length) logger.trace('telemetry: properties dropped', { event: name, dropped });
      const distinctId = options.identity();
      if (!distinctId) return logger.trace('telemetry: no identity, nothing sent', { event: name });
      enqueue(
        buildEnvelope({
          uuid: uuid(),
          event: name,
          distinctId,
          now: now(),
          properties: Object.assign({ event_version: spec.version }, base, own),
        }),
      );
    });
  };

  const submitExplicit = createExplicitSubmitter({
    events,
    common,
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
    // Closing aborted what was in flight: let that batch settle (it is logged as dropped), then log whatever
    // was still queued, so that the local log accounts for every event even when the deadline cut it off.
    await Promise.race([flushed, new Promise((resolve) => setTimeout(resolve, SETTLE_MS))]);
    const unsent = queue.take();
    counters.failed += unsent.length;
    recorder.record(unsent, 'dropped', 'shutdown deadline reached');
    recorder.flush();
  };

  return {
    track,
    submitExplicit: (name, submission) => submitExplicit(name, submission),
    flush: scheduler.flush,
    shutdown,
    status: () => ({
      consent: consent.read(),
      queued: queue.size,
      droppedByCapacity: queue.dropped,
      ...counters,
    }),
    onConsentChange: consent.onChange,
  };
}
