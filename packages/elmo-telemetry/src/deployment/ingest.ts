import type { Telemetry } from '@elmo/telemetry-core';
import { decodeBrowserBatch } from '@elmo/telemetry-core/node';
import type { ElmoCatalog } from '../catalog.js';
import { BROWSER_EVENTS, type BrowserEventName } from '../names.js';

/** How the web app's `/ingest` route takes the browser's events (SPEC §7). */
export interface IngestOptions {
  /** The browser's telemetry client: catalog, consent, identity, local log and delivery are its. */
  browser: Telemetry<ElmoCatalog>;
  /** Largest body accepted; larger ones are refused with 413. */
  maxBodyBytes?: number;
}

// Only the capture endpoints posthog-js uses; flags, config, recordings and the rest are never taken.
const CAPTURE_PATHS = new Set(['e', 'i/v0/e', 'batch', 'capture']);
// posthog-js sends one page view at a time; a body with more events than this is not posthog-js.
const MAX_EVENTS_PER_BODY = 50;
const ACCEPTED = () => Response.json({ status: 1 });
const refuse = (status: number, error: string) => Response.json({ error }, { status });

/** 64 KiB: far more than a batch of page views, far less than anything worth smuggling. */
export const DEFAULT_INGEST_MAX_BYTES = 64 * 1024;

const isBrowserEvent = (name: string): name is BrowserEventName => (BROWSER_EVENTS as readonly string[]).includes(name);

/**
 * Handles a request to `/ingest/<path>`. It is no relay: each body is decoded, only the events and properties
 * the catalog declares for the browser are kept, and they are tracked by the server's own browser client,
 * which forces the distinct id and token, adds the common properties, asks consent, logs each event and
 * sends it with the server's retries. posthog-js is answered 200 whatever consent says, so it never retries.
 */
export async function handleIngest(
  request: Request,
  path: readonly string[],
  options: IngestOptions,
): Promise<Response> {
  const route = path.join('/').replace(/\/+$/, '');
  if (request.method === 'GET' && path[0] === 'array' && route.endsWith('/config'))
    return new Response('not found', { status: 404 });
  if (!CAPTURE_PATHS.has(route)) return refuse(404, 'not a capture path');
  if (request.method !== 'POST') return refuse(405, 'method not allowed');
  const maxBytes = options.maxBodyBytes ?? DEFAULT_INGEST_MAX_BYTES;
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) return refuse(413, 'body too large');
  const body = await readLimited(request, maxBytes);
  if (!body) return refuse(413, 'body too large');
  const decoded = decodeBrowserBatch({
    body,
    contentType: request.headers.get('content-type'),
    contentEncoding: request.headers.get('content-encoding'),
    query: new URL(request.url).searchParams,
  });
  if (!decoded.ok) return refuse(decoded.status, `not a capture body: ${decoded.reason}`);
  if (decoded.events.length > MAX_EVENTS_PER_BODY) return refuse(400, 'too many events in one body');
  for (const event of decoded.events) {
    // Anything the catalog does not declare for the browser is dropped here; track() drops unknown properties.
    if (isBrowserEvent(event.event)) options.browser.track(event.event, event.properties as never);
  }
  return ACCEPTED();
}

async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array | undefined> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
