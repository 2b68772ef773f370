import { auditDelivery, type DeliveryAudit, type ReceivedEvent, type ReceivedRequest } from '@elmo/posthog-sink';
import { readJsonLines } from './json-lines.js';

// Reading what reached the sink: which events a request carried, and whether any arrived twice.

const CAPTURE_PATHS = new Set(['/batch', '/e', '/i/v0/e', '/capture', '/track', '/engage']);

/** True for a PostHog capture request (events), as opposed to flags, config or recordings. */
export function isCapture(request: Pick<ReceivedRequest, 'method' | 'path'>): boolean {
  return request.method === 'POST' && CAPTURE_PATHS.has(request.path.replace(/\/+$/, ''));
}

/** The events a request carried (parsed from its decoded body), whatever it was answered. */
export function requestEvents(request: ReceivedRequest): { uuid: string; source: unknown }[] {
  const payload = request.payload as unknown;
  const items: unknown[] = Array.isArray(payload)
    ? payload
    : isObject(payload) && Array.isArray(payload.batch)
      ? payload.batch
      : isObject(payload)
        ? [payload]
        : [];
  return items.flatMap((item) =>
    isObject(item) && typeof item.uuid === 'string'
      ? [{ uuid: item.uuid, source: isObject(item.properties) ? item.properties.source : undefined }]
      : [],
  );
}

/** The uuids of the events a request carried, whatever it was answered. */
export function requestUuids(request: ReceivedRequest): string[] {
  return requestEvents(request).map((e) => e.uuid);
}

/** The uuids put on the wire by every capture request, once per send: an event sent again is listed again. */
export function sentUuids(requests: readonly ReceivedRequest[]): string[] {
  return requests.filter(isCapture).flatMap((r) => requestUuids(r));
}

/** How many times `uuid` is among `sent` (see `sentUuids`). */
export function timesSent(sent: readonly string[], uuid: string): number {
  return sent.filter((u) => u === uuid).length;
}

/**
 * What reached the sinks, by uuid (see `auditDelivery`): what was accepted, what was sent again after an answer
 * said it was accepted (a duplicate our code made: must be none), and what was accepted again after an answer
 * that never came (PostHog deduplicates those by uuid).
 */
export function audit(requests: readonly ReceivedRequest[]): DeliveryAudit {
  return auditDelivery(requests.filter(isCapture));
}

/** The requests of several sinks in the order they arrived (an audit needs arrival order across sinks). */
export function inArrivalOrder(...lists: (readonly ReceivedRequest[])[]): ReceivedRequest[] {
  return lists.flat().sort((a, b) => a.receivedAt - b.receivedAt);
}

/** Distinct uuids among `events`. */
export function distinctUuids(events: readonly ReceivedEvent[]): string[] {
  return [...new Set(events.flatMap((e) => (e.uuid ? [e.uuid] : [])))];
}

/** The last line per uuid: an event's fate as the log finally tells it (queued, then sent after a restart). */
export function finalLines(lines: readonly LogLine[]): LogLine[] {
  const last = new Map<string, LogLine>();
  for (const line of lines) last.set(line.uuid, line);
  return [...last.values()];
}

/** One line of a local transparency log (CLI state folder or deployment data folder). */
export interface LogLine {
  time: string;
  uuid: string;
  event: string;
  status: string;
  reason?: string;
  properties?: Record<string, unknown>;
}

/** Reads a transparency log and its rotated generation (`.1`), oldest first; a torn line is not an event. */
export function readLog(path: string): LogLine[] {
  return [`${path}.1`, path].flatMap((file) => readJsonLines<LogLine>(file));
}

/** Sleeps `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
