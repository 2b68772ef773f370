import type { EventSpec, PropsOf } from './catalog.js';
import { buildEnvelope, type OutgoingEvent } from './envelope.js';
import { type LocalLogRecorder, loggedAs } from './local-log-recorder.js';
import type { Sender, TraceLogger } from './ports.js';
import { sanitizeEvent } from './sanitize.js';
import type { TraceGuard } from './trace-guard.js';

/** What an explicit submission carries: person properties and, when telemetry is off, the id it is keyed by. */
export interface ExplicitSubmission<E extends EventSpec> {
  properties?: PropsOf<E>;
  set: Record<string, string>;
  /** The distinct id used when telemetry is disabled (for a newsletter signup: the email itself). */
  distinctIdWhenDisabled: string;
}

/** Sends one explicit submission at once; resolves to whether it was sent (or previewed). */
export type ExplicitSubmitter = (name: string, submission: ExplicitSubmission<EventSpec>) => Promise<boolean>;

/**
 * Creates the ExplicitSubmitter: only an explicit event with at least one valid person property is sent, keyed by
 * the install id while telemetry is enabled and by what the person typed otherwise.
 */
export function createExplicitSubmitter(options: {
  events: Record<string, EventSpec>;
  /** The catalog-checked common properties. */
  common: Record<string, unknown>;
  sessionId: string;
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
  return async (name, submission) => {
    const spec = options.events[name];
    if (!spec?.explicit) return false;
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
      recorder.record([event], loggedAs(options.sender));
      return true;
    } catch (error) {
      logger.trace('telemetry: explicit submission failed', { error: String(error) });
      return false;
    }
  };
}
