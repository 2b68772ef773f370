/** One event as it leaves the core, independent of any vendor's wire format. */
export interface OutgoingEvent {
  uuid: string;
  event: string;
  distinctId: string;
  /** ISO 8601 time of capture. */
  timestamp: string;
  properties: Record<string, unknown>;
}

// Events tracked in a burst share a millisecond; formatting its ISO string once keeps tracking cheap.
let lastMs = Number.NaN;
let lastIso = '';
function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/** Builds an event from already-sanitised parts; the only place the envelope's shape is decided. */
export function buildEnvelope(parts: {
  uuid: string;
  event: string;
  distinctId: string;
  now: number;
  properties: Record<string, unknown>;
}): OutgoingEvent {
  return {
    uuid: parts.uuid,
    event: parts.event,
    distinctId: parts.distinctId,
    timestamp: isoTime(parts.now),
    properties: parts.properties,
  };
}
