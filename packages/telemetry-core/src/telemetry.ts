import type { Catalog, EventSpec, ExplicitName, PropsOf, TrackedName } from './catalog.js';
import { type ConsentDecision, consentUnavailable } from './consent.js';
import { buildEnvelope, type OutgoingEvent } from './envelope.js';
import { type LocalLog, type LogEntry, type LogStatus, type Sender, silentLogger, type TraceLogger } from './ports.js';
import { BoundedQueue } from './queue.js';
import { sanitizeEvent, sanitizeProperties } from './sanitize.js';

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

/** What an explicit submission carries: person properties and, when telemetry is off, the id it is keyed by. */
export interface ExplicitSubmission<E extends EventSpec> {
  properties?: PropsOf<E>;
  set: Record<string, string>;
  /** The distinct id used when telemetry is disabled (for a newsletter signup: the email itself). */
  distinctIdWhenDisabled: string;
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

// What the local log says once a sender accepted a batch: a spooled event is still waiting for the
// detached sender, which logs it as sent later.
const LOGGED_AS: Record<NonNullable<Sender['delivery']>, LogStatus> = {
  sent: 'sent',
  'local-only': 'local-only',
  spooled: 'queued',
};

/** Creates a telemetry client. See DESIGN §2: all effects come in through options. */
export function createTelemetry<C extends Catalog>(options: TelemetryOptions<C>): Telemetry<C> {
  const now = options.now ?? Date.now;
  const uuid = options.uuid ?? (() => crypto.randomUUID());
  const logger = options.logger ?? silentLogger;
  const flushAt = options.flushAt ?? 20;
  const queue = new BoundedQueue<OutgoingEvent>(options.maxQueueSize ?? 1000);
  const common = sanitizeProperties(options.catalog.common, options.common).properties;
  // Built once: every tracked event starts from the common properties and this process's session id.
  const base = { ...common, session_id: options.sessionId };
  const listeners = new Set<(decision: ConsentDecision) => void>();
  const counters = { sent: 0, failed: 0, droppedByConsent: 0, droppedProperties: 0 };
  let lastDecision: ConsentDecision | undefined;
  let running: Promise<void> | undefined;
  let pending: Promise<void> | undefined;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  // Called once per batch with one timestamp; every event's properties are shown in the log.
  const record = (events: readonly OutgoingEvent[], status: LogStatus, reason?: string) => {
    if (!options.localLog || events.length === 0) return;
    const time = new Date(now()).toISOString();
    const entries: LogEntry[] = events.map((e) => ({
      time,
      uuid: e.uuid,
      event: e.event,
      status,
      reason,
      properties: e.properties,
    }));
    guard('local log', () => options.localLog?.record(entries));
  };

  function guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      logger.trace(`telemetry: ${what} failed`, { error: String(error) });
    }
  }

  const readConsent = (): ConsentDecision => {
    let decision: ConsentDecision;
    try {
      decision = options.consent();
    } catch (error) {
      decision = consentUnavailable('disabled because consent could not be read');
      logger.trace('telemetry: consent could not be read', { error: String(error) });
    }
    if (lastDecision && lastDecision.enabled !== decision.enabled) {
      lastDecision = decision;
      if (!decision.enabled) dropQueue('consent withdrawn');
      for (const listener of listeners) guard('consent listener', () => listener(decision));
    }
    lastDecision = decision;
    return decision;
  };

  const dropQueue = (reason: string) => {
    const dropped = queue.take();
    counters.droppedByConsent += dropped.length;
    record(dropped, 'dropped', reason);
    if (dropped.length) logger.trace('telemetry: queue dropped', { count: dropped.length, reason });
  };

  const scheduleFlush = () => {
    const interval = options.flushIntervalMs ?? 30_000;
    if (flushTimer || interval <= 0 || closed) return;
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      void flush();
    }, interval);
    flushTimer.unref?.();
  };

  const enqueue = (event: OutgoingEvent) => {
    if (options.preview) {
      guard('preview', () => options.preview?.(event));
      record([event], 'preview');
      return;
    }
    // Logged when its fate is known (sent, spooled, kept local or dropped), so tracking itself stays cheap.
    queue.push(event);
    logger.trace('telemetry: enqueued', { event: event.event, queued: queue.size });
    if (queue.size >= flushAt) void flush();
    else scheduleFlush();
  };

  const sendBatch = async (batch: OutgoingEvent[]) => {
    try {
      await options.sender.send(batch);
      counters.sent += batch.length;
      record(batch, LOGGED_AS[options.sender.delivery ?? 'sent']);
      logger.trace('telemetry: sent', { count: batch.length });
    } catch (error) {
      counters.failed += batch.length;
      record(batch, 'dropped', readConsent().enabled ? 'delivery failed' : 'consent withdrawn');
      logger.trace('telemetry: send failed', { count: batch.length, error: String(error) });
    }
  };

  const flushOnce = async () => {
    if (queue.size === 0) return;
    if (!readConsent().enabled) return dropQueue('consent withdrawn');
    while (queue.size > 0) await sendBatch(queue.take(100));
  };

  // At most one flush runs and one waits behind it: a burst of track() calls against a slow endpoint
  // coalesces into a single pending flush instead of a chain that grows with every event.
  const flush = (): Promise<void> => {
    if (!running) {
      running = flushOnce()
        .catch(() => {})
        .finally(() => {
          running = undefined;
        });
      return running;
    }
    pending ??= running.then(() => {
      pending = undefined;
      return flush();
    });
    return pending;
  };

  const track: Telemetry<C>['track'] = (name, properties) => {
    if (closed) return;
    guard('track', () => {
      if (!readConsent().enabled) return;
      const spec = (options.catalog.events as Record<string, EventSpec>)[name];
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

  const submitExplicit: Telemetry<C>['submitExplicit'] = async (name, submission) => {
    const spec = (options.catalog.events as Record<string, EventSpec>)[name];
    if (!spec?.explicit) return false;
    const set: Record<string, string> = {};
    for (const [key, rule] of Object.entries(spec.personProperties ?? {})) {
      const value = submission.set[key];
      if (typeof value === 'string' && rule.pattern.test(value)) set[key] = value;
    }
    if (Object.keys(set).length === 0) return false;
    const own = sanitizeEvent(spec, (submission.properties ?? {}) as Record<string, unknown>).properties;
    const enabled = readConsent().enabled;
    const distinctId = enabled ? options.identity() : undefined;
    // Disabled (or no identity): keyed by what the person typed, with no telemetry property that could link it.
    const event = distinctId
      ? buildEnvelope({
          uuid: uuid(),
          event: name,
          distinctId,
          now: now(),
          properties: { ...common, ...own, event_version: spec.version, session_id: options.sessionId, $set: set },
        })
      : buildEnvelope({
          uuid: uuid(),
          event: name,
          distinctId: submission.distinctIdWhenDisabled,
          now: now(),
          properties: { ...own, $set: set },
        });
    if (options.preview) {
      guard('preview', () => options.preview?.(event));
      return true;
    }
    try {
      await options.sender.send([event]);
      record([event], LOGGED_AS[options.sender.delivery ?? 'sent']);
      return true;
    } catch (error) {
      logger.trace('telemetry: explicit submission failed', { error: String(error) });
      return false;
    }
  };

  let consentTimer: ReturnType<typeof setInterval> | undefined;
  if ((options.consentPollMs ?? 0) > 0) {
    consentTimer = setInterval(() => readConsent(), options.consentPollMs);
    consentTimer.unref?.();
  }

  const shutdown = async (deadlineMs = 2000) => {
    if (closed) return;
    closed = true;
    if (flushTimer) clearTimeout(flushTimer);
    if (consentTimer) clearInterval(consentTimer);
    guard('stop retrying', () => options.sender.stopRetrying?.());
    // Keep a little of the budget for aborting connections, so the whole shutdown fits in the deadline.
    // This timer is not unref'd: it is bounded, and a caller awaiting shutdown() must see it resolve.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadlineMs - SHUTDOWN_RESERVE_MS));
    });
    const flushed = flush().catch(() => {});
    await Promise.race([flushed, deadline]);
    if (timer) clearTimeout(timer);
    await options.sender.close?.().catch((error) => logger.trace('telemetry: close failed', { error: String(error) }));
    // Closing aborted what was in flight: let that batch settle (it is logged as dropped), then log whatever
    // was still queued, so that the local log accounts for every event even when the deadline cut it off.
    await Promise.race([flushed, new Promise((resolve) => setTimeout(resolve, SETTLE_MS))]);
    const unsent = queue.take();
    counters.failed += unsent.length;
    record(unsent, 'dropped', 'shutdown deadline reached');
    guard('local log', () => options.localLog?.flush?.());
  };

  return {
    track,
    submitExplicit,
    flush,
    shutdown,
    status: () => ({
      consent: readConsent(),
      queued: queue.size,
      droppedByCapacity: queue.dropped,
      ...counters,
    }),
    onConsentChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
