/** One event the sink accepted, in arrival order. */
export interface ReceivedEvent {
  event: string;
  distinctId: string;
  properties: Record<string, unknown>;
  uuid?: string;
  timestamp?: string;
  /** The project token it was sent with (envelope `api_key`/`token`, else `properties.token`). */
  token: string;
  /** The request path it came in on, e.g. `/batch/` or `/e/`. */
  path: string;
  receivedAt: number;
  /** The event object exactly as sent, for wire-contract assertions. */
  raw: Record<string, unknown>;
}

/** The events of a capture payload, or the status PostHog capture would answer instead. */
export type CaptureResult =
  | { ok: true; events: ReceivedEvent[] }
  | { ok: false; status: 400 | 401; code: string; detail: string };

type Json = Record<string, unknown>;

/** Lists the raw event objects in `{api_key|token, batch}`, a bare array, or a single event. */
export function listEvents(payload: unknown): { envelopeToken: unknown; items: unknown[] } {
  if (Array.isArray(payload)) return { envelopeToken: undefined, items: payload };
  if (!isObject(payload)) return { envelopeToken: undefined, items: [] };
  const envelopeToken = payload.api_key ?? payload.token;
  if (Array.isArray(payload.batch)) return { envelopeToken, items: payload.batch };
  return { envelopeToken, items: [payload] };
}

/** Validates a decoded payload as PostHog capture does: a token is required (401), then a name and distinct id (400). */
export function extractEvents(
  payload: unknown,
  context: { path: string; receivedAt: number; expectedToken?: string | undefined },
): CaptureResult {
  const { envelopeToken, items } = listEvents(payload);
  if (items.length === 0) return { ok: false, status: 400, code: 'empty_batch', detail: 'No events in the body' };
  const events: ReceivedEvent[] = [];
  for (const item of items) {
    if (!isObject(item)) return { ok: false, status: 400, code: 'invalid_event', detail: 'An event is not an object' };
    const properties = item.properties === undefined ? {} : item.properties;
    if (!isObject(properties)) {
      return { ok: false, status: 400, code: 'invalid_event', detail: 'Event properties are not an object' };
    }
    const token = envelopeToken ?? properties.token;
    if (typeof token !== 'string' || token === '') {
      return { ok: false, status: 401, code: 'no_api_key', detail: 'No project token (api_key) in the request' };
    }
    if (context.expectedToken !== undefined && token !== context.expectedToken) {
      return { ok: false, status: 401, code: 'invalid_api_key', detail: 'Project token does not match this sink' };
    }
    if (typeof item.event !== 'string' || item.event === '') {
      return { ok: false, status: 400, code: 'invalid_event', detail: 'An event has no name' };
    }
    const distinctId = readDistinctId(item.distinct_id ?? properties.distinct_id);
    if (distinctId === undefined) {
      return { ok: false, status: 400, code: 'invalid_event', detail: 'An event has no distinct_id' };
    }
    events.push({
      event: item.event,
      distinctId,
      properties,
      ...(typeof item.uuid === 'string' && { uuid: item.uuid }),
      ...(typeof item.timestamp === 'string' && { timestamp: item.timestamp }),
      token,
      path: context.path,
      receivedAt: context.receivedAt,
      raw: item,
    });
  }
  return { ok: true, events };
}

// PostHog accepts numeric ids and stores them as strings; empty ones are rejected.
function readDistinctId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value;
  return undefined;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
