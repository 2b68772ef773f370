import { type Catalog, type EventSpec, expiredFrom } from './catalog.js';
import { buildEnvelope, type OutgoingEvent } from './envelope.js';
import type { LogStatus, TraceLogger } from './ports.js';
import { sanitizeInto, sanitizeProperties } from './sanitize.js';

/** What the builder needs; see TelemetryOptions for the meaning of each. */
export interface EventBuilderOptions<C extends Catalog> {
  catalog: C;
  common: Record<string, unknown>;
  sessionId: string | undefined;
  identity: () => string | undefined;
  uuid: () => string;
  logger: TraceLogger;
  /**
   * Where an event built but never to be sent goes: kept local only (local mode, SPEC §3) or dropped because its
   * catalog entry expired (SPEC §5). Both are built exactly as they would be sent, for the local log.
   */
  record: (event: OutgoingEvent, status: Extract<LogStatus, 'local' | 'dropped'>, reason?: string) => void;
}

/** Turns one tracked event into what may leave the machine: the catalog's rules, in one place for every client. */
export interface EventBuilder {
  /** The common properties, checked against the catalog once. */
  readonly common: Record<string, unknown>;
  /**
   * The event `name` with `properties`, tracked at `at`, ready to queue; undefined when it must not be sent: not a
   * tracked event of the catalog, expired, kept local (`local`: consent is "local only"), or no identity.
   */
  build(
    name: string,
    properties: Record<string, unknown> | undefined,
    at: number,
    local: boolean,
  ): OutgoingEvent | undefined;
  /** Properties the sanitiser dropped, and events not sent because their entry had expired. */
  readonly counts: { droppedProperties: number; droppedExpired: number };
}

/** Creates the EventBuilder of a catalog. */
export function createEventBuilder<C extends Catalog>(options: EventBuilderOptions<C>): EventBuilder {
  const { logger, uuid } = options;
  const events = options.catalog.events as Record<string, EventSpec>;
  const common = sanitizeProperties(options.catalog.common, options.common).properties;
  // Built once: every tracked event starts from the common properties and this process's session id, if any.
  const base = options.sessionId === undefined ? { ...common } : { ...common, session_id: options.sessionId };
  const counts = { droppedProperties: 0, droppedExpired: 0 };
  // When each event expires (Infinity: never), worked out on its first use so that `build` then only compares two
  // numbers, and a one-shot process (a CLI run) does not parse every date of the catalog for one event.
  const expiresAt = new Map<string, number>();
  const expiryOf = (spec: EventSpec) => {
    let at = expiresAt.get(spec.name);
    if (at === undefined) {
      at = expiredFrom(spec) ?? Number.POSITIVE_INFINITY;
      expiresAt.set(spec.name, at);
    }
    return at;
  };

  const build: EventBuilder['build'] = (name, properties, at, local) => {
    const spec = events[name];
    if (!spec || spec.explicit) {
      logger.trace('telemetry: not a tracked event', { event: String(name) });
      return undefined;
    }
    // Built once: its version, the common properties, then its own, which the sanitiser writes straight in
    // (copying a prebuilt template with a spread measured several times slower than this).
    const eventProperties: Record<string, unknown> = Object.assign({ event_version: spec.version }, base);
    const dropped = properties ? sanitizeInto(spec.properties, properties, eventProperties) : undefined;
    if (dropped) {
      counts.droppedProperties += dropped.length;
      logger.trace('telemetry: properties dropped', { event: name, dropped });
    }
    // An expired event (SPEC §5) is never queued, sent or kept local: it is logged as dropped, with the reason,
    // and identity is not asked for (the empty distinct id never leaves this function).
    if (at >= expiryOf(spec)) {
      counts.droppedExpired += 1;
      logger.trace('telemetry: event expired, not sent', { event: name });
      const event = buildEnvelope({ uuid: uuid(), event: name, distinctId: '', now: at, properties: eventProperties });
      options.record(event, 'dropped', 'expired');
      return undefined;
    }
    // Local mode (SPEC §3): the event is built exactly as it would be sent and recorded in the local log only.
    // No identity is asked for, so no id is ever created.
    if (local) {
      const event = buildEnvelope({ uuid: uuid(), event: name, distinctId: '', now: at, properties: eventProperties });
      options.record(event, 'local');
      return undefined;
    }
    const distinctId = options.identity();
    if (!distinctId) {
      logger.trace('telemetry: no identity, nothing sent', { event: name });
      return undefined;
    }
    return buildEnvelope({ uuid: uuid(), event: name, distinctId, now: at, properties: eventProperties });
  };

  return { common, build, counts };
}
