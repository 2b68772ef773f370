import { listEvents } from './capture.js';
import type { ReceivedRequest } from './recorder.js';
import { matchRoute } from './routes.js';

/**
 * What a run of capture requests says about delivery, by event uuid (SPEC §7: one stable uuid per event, and a
 * batch PostHog accepted is never sent again). A resend is only a defect when the client had been told the batch
 * was accepted; after an answer that never came, resending is how nothing gets lost, and PostHog deduplicates it
 * by uuid.
 */
export interface DeliveryAudit {
  /** Uuids whose events were accepted at least once. */
  accepted: Set<string>;
  /** Uuids sent again after a request carrying them had been answered 2xx: must always be empty. */
  resentAfterAnswer: string[];
  /** Uuids accepted again after an acceptance the client never heard of (hung, abandoned, lost answer). */
  resentUnanswered: string[];
}

/** Uuids of the events a request carried, whatever it was answered. */
export function carriedUuids(request: ReceivedRequest): string[] {
  return listEvents(request.payload).items.flatMap((item) => {
    const uuid = (item as { uuid?: unknown } | null)?.uuid;
    return typeof uuid === 'string' ? [uuid] : [];
  });
}

/** Audits `requests` (in arrival order, as a sink records them). */
export function auditDelivery(requests: readonly ReceivedRequest[]): DeliveryAudit {
  const accepted = new Set<string>();
  const answered = new Set<string>();
  const resentAfterAnswer = new Set<string>();
  const resentUnanswered = new Set<string>();
  for (const request of requests) {
    if (matchRoute(request.path) !== 'capture') continue;
    const uuids = carriedUuids(request);
    for (const uuid of uuids) {
      if (answered.has(uuid)) resentAfterAnswer.add(uuid);
      else if (request.accepted > 0 && accepted.has(uuid)) resentUnanswered.add(uuid);
    }
    if (request.accepted === 0) continue;
    for (const uuid of uuids) {
      accepted.add(uuid);
      if (request.outcome === 'answered' && (request.status ?? 0) < 300) answered.add(uuid);
    }
  }
  return { accepted, resentAfterAnswer: [...resentAfterAnswer], resentUnanswered: [...resentUnanswered] };
}
