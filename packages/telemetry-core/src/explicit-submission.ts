import { type EventSpec, isExpired, type PropsOf } from './catalog.js';
import { buildEnvelope, type OutgoingEvent } from './envelope.js';
import { type LocalLogRecorder, loggedAs } from './local-log-recorder.js';
import type { Sender, TraceLogger } from './ports.js';
import { sanitizeEvent } from './sanitize.js';
import type { TraceGuard } from './trace-guard.js';

/** A submission that sets person properties: keyed by the identity while telemetry is on (a newsletter signup). */
export interface PersonSubmission<E extends EventSpec> {
  properties?: PropsOf<E>;
  set: Record<string, string>;
  /** The distinct id used when telemetry is disabled (for a newsletter signup: the email itself). */
  distinctIdWhenDisabled: string;
}

/**
 * A submission about one id (a deletion request: the id being forgotten), whatever consent says: keyed by that
 * id and carrying nothing else, no common property, no session id, no person property.
 */
export interface KeyedSubmission<E extends EventSpec> {
  properties?: PropsOf<E>;
  keyedBy: string;
}

/** What an explicit submission carries. */
export type ExplicitSubmission<E extends EventSpec> = PersonSubmission<E> | KeyedSubmission<E>;

/** Sends one explicit submission at once; resolves to whether it was sent (or previewed). */
export type ExplicitSubmitter = (name: string, submission: ExplicitSubmission<EventSpec>) => Promise<boolean>;

/**
 * Creates the ExplicitSubmitter: a person submission is sent only with at least one valid person property, keyed
 * by the install id while telemetry is enabled and by what the person typed otherwise; a keyed submission (an
 * event that declares no person property) is sent keyed by its id alone.
 */
export function createExplicitSubmitter(options: {
  events: Record<string, EventSpec>;
  /** The catalog-checked common properties. */
  common: Record<string, unknown>;
  sessionId: string | undefined;
  isEnabled: () => boolean;
  identity: () => string | undefined;
  sender: Sender;
  now: () => number;
  uuid: () => string;
  preview: ((event: OutgoingEvent) => void) | undefined;
  recorder: LocalLogRecorder;
  guard: TraceGuard;
  logger: TraceLogger;
}): ExplicitSubmitter {
  const { common, now, uuid, recorder, guard, logger } = options;
  const deliver = async (event: OutgoingEvent): Promise<boolean> => {
    if (options.preview) {
      guard('preview', () => options.preview?.(event));
      return true;
    }
    try {
      await options.sender.send([event]);
      recorder.record([event], loggedAs(options.sender));
      return true;
    } catch (error) {
      logger.trace('telemetry: explicit submission failed', { error: String(error) });
      return false;
    }
  };
  // Keyed by the id it is about and nothing else: an event that sets person properties is never sent this way.
  const submitKeyed = (spec: EventSpec, name: string, submission: KeyedSubmission<EventSpec>) => {
    if (spec.personProperties && Object.keys(spec.personProperties).length > 0) return Promise.resolve(false);
    if (!submission.keyedBy) return Promise.resolve(false);
    const own = sanitizeEvent(spec, (submission.properties ?? {}) as Record<string, unknown>).properties;
    return deliver(
      buildEnvelope({ uuid: uuid(), event: name, distinctId: submission.keyedBy, now: now(), properties: { ...own } }),
    );
  };
  return async (name, submission) => {
    const spec = options.events[name];
    if (!spec?.explicit) return false;
    // The same rule as `track` (SPEC §5), though explicit events are declared never to expire. Logged without
    // what was submitted: nothing of it is needed to say that it was not sent.
    if (isExpired(spec, now())) {
      const event = buildEnvelope({ uuid: uuid(), event: name, distinctId: '', now: now(), properties: {} });
      recorder.record([event], 'dropped', 'expired');
      return false;
    }
    if ('keyedBy' in submission) return submitKeyed(spec, name, submission);
    const set: Record<string, string> = {};
    for (const [key, rule] of Object.entries(spec.personProperties ?? {})) {
      const value = submission.set[key];
      if (typeof value === 'string' && rule.pattern.test(value)) set[key] = value;
    }
    if (Object.keys(set).length === 0) return false;
    const own = sanitizeEvent(spec, (submission.properties ?? {}) as Record<string, unknown>).properties;
    const enabled = options.isEnabled();
    const distinctId = enabled ? options.identity() : undefined;
    // Disabled (or no identity): keyed by what the person typed, with no telemetry property that could link it.
    const event = distinctId
      ? buildEnvelope({
          uuid: uuid(),
          event: name,
          distinctId,
          now: now(),
          properties: {
            ...common,
            ...own,
            event_version: spec.version,
            ...(options.sessionId === undefined ? {} : { session_id: options.sessionId }),
            $set: set,
          },
        })
      : buildEnvelope({
          uuid: uuid(),
          event: name,
          distinctId: submission.distinctIdWhenDisabled,
          now: now(),
          properties: { ...own, $set: set },
        });
    return deliver(event);
  };
}
