import { gunzipSync } from 'node:zlib';

/** One event as a browser SDK put it on the wire, before any allow-list is applied. */
export interface BrowserEvent {
  event: string;
  properties: Record<string, unknown>;
  uuid?: string;
  timestamp?: string;
}

/** A request to a capture endpoint, as far as decoding needs it. */
export interface BrowserBatchInput {
  body: Uint8Array;
  contentType: string | null;
  contentEncoding: string | null;
  query: URLSearchParams;
}

/** The events of a body, or why the whole body is refused (`status`: 413 when too large, else 400). */
export type BrowserBatchResult =
  | { ok: true; events: BrowserEvent[] }
  | { ok: false; reason: string; status: 400 | 413 };

/** 1 MiB: the most a body may hold once decompressed; far more than any batch of page views. */
export const DEFAULT_BROWSER_BATCH_MAX_BYTES = 1024 * 1024;

/**
 * Decodes a body sent to a PostHog capture endpoint the way PostHog does: gzip (whatever the headers say), then
 * a form body's `data=` field (JSON or base64), then UTF-8 JSON holding `{ batch: [...] }`, a bare array, or
 * one event. Any item that is not an object with an event name refuses the whole body. Never throws.
 */
export function decodeBrowserBatch(input: BrowserBatchInput, options: { maxBytes?: number } = {}): BrowserBatchResult {
  const maxBytes = options.maxBytes ?? DEFAULT_BROWSER_BATCH_MAX_BYTES;
  try {
    const text = decodeText(input, maxBytes);
    if (typeof text !== 'string') return text;
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return refuse('body is not valid JSON');
    }
    return readEvents(payload);
  } catch (error) {
    // Nothing above should throw; a body must never take the route down if something does.
    return refuse(`body could not be decoded (${error instanceof Error ? error.name : 'error'})`);
  }
}

type Refusal = Extract<BrowserBatchResult, { ok: false }>;

function refuse(reason: string, status: 400 | 413 = 400): Refusal {
  return { ok: false, reason, status };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(input: BrowserBatchInput, maxBytes: number): string | Refusal {
  let bytes = input.body;
  if (bytes.byteLength > maxBytes) return refuse(`body is larger than ${maxBytes} bytes`, 413);
  // A gzip stream always starts with these bytes, and posthog-js sends gzip as text/plain with neither a
  // Content-Encoding header nor a `compression` query, so they decide. A body declared gzip without them
  // cannot be gzip; it is still read as JSON or a form, as PostHog's capture does.
  const gzipped = bytes.byteLength >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (gzipped) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (error) {
      if (error instanceof RangeError) return refuse(`body inflates beyond ${maxBytes} bytes`, 413);
      return refuse('body is not valid gzip');
    }
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return refuse(gzipped ? 'gzip body is not UTF-8 text' : 'body is neither gzip nor UTF-8 text');
  }
  const compression = input.query.get('compression') ?? '';
  if (isForm(text, input.contentType)) {
    const data = new URLSearchParams(text).get('data');
    if (data === null) return refuse('form body has no data field');
    return looksLikeJson(data) ? data : decodeBase64(data, 'data field');
  }
  if (looksLikeJson(text)) return text;
  if (!gzipped && (/\bgzip\b/i.test(input.contentEncoding ?? '') || /^gzip/i.test(compression)))
    return refuse('body is declared gzip but is not gzip');
  // Older clients sent a bare base64 body with `?compression=base64`.
  if (compression === 'base64') return decodeBase64(text.trim(), 'body');
  return text;
}

// Tools like curl label JSON as form data, so a form content type only counts when the body is not JSON.
function isForm(text: string, contentType: string | null): boolean {
  if (text.startsWith('data=')) return true;
  return /application\/x-www-form-urlencoded/i.test(contentType ?? '') && !looksLikeJson(text);
}

function looksLikeJson(value: string): boolean {
  const first = value.trimStart()[0];
  return first === '{' || first === '[';
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function decodeBase64(data: string, what: string): string | Refusal {
  // A `+` that was not percent-encoded arrives as a space in a form body.
  const compact = data.replace(/ /g, '+').replace(/[\r\n]/g, '');
  if (compact.length === 0 || !BASE64.test(compact) || compact.replace(/=+$/, '').length % 4 === 1)
    return refuse(`${what} is neither JSON nor valid base64`);
  try {
    return UTF8.decode(Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64'));
  } catch {
    return refuse(`${what} does not decode to UTF-8 text`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readEvents(payload: unknown): BrowserBatchResult {
  let list: unknown[];
  if (Array.isArray(payload)) list = payload;
  else if (isRecord(payload) && 'batch' in payload) {
    if (!Array.isArray(payload.batch)) return refuse('batch is not an array');
    list = payload.batch;
  } else if (isRecord(payload)) list = [payload];
  else return refuse('body is neither a batch, an array of events nor an event');
  if (list.length === 0) return refuse('batch holds no events');
  const events: BrowserEvent[] = [];
  for (const [index, item] of list.entries()) {
    const event = readEvent(item);
    if (typeof event === 'string') return refuse(`event ${index} ${event}`);
    events.push(event);
  }
  return { ok: true, events };
}

// An event, or what is wrong with it.
function readEvent(item: unknown): BrowserEvent | string {
  if (!isRecord(item)) return 'is not an object';
  if (typeof item.event !== 'string' || item.event.length === 0) return 'has no event name';
  const properties = item.properties ?? {};
  if (!isRecord(properties)) return 'has properties that are not an object';
  if (item.uuid !== undefined && typeof item.uuid !== 'string') return 'has a uuid that is not a string';
  if (item.timestamp !== undefined && typeof item.timestamp !== 'string') return 'has a timestamp that is not a string';
  return {
    event: item.event,
    properties,
    ...(item.uuid !== undefined ? { uuid: item.uuid } : {}),
    ...(item.timestamp !== undefined ? { timestamp: item.timestamp } : {}),
  };
}
