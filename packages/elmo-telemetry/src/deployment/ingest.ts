import type { ConsentDecision } from '@elmo/telemetry-core';
import type { Destination } from '../node/runtime.js';

/** How the web app's `/ingest` route forwards the browser's events (SPEC §7). */
export interface IngestOptions {
  consent: () => ConsentDecision;
  destination: () => Destination | undefined;
  /** Largest body forwarded; larger ones are refused with 413. */
  maxBodyBytes?: number;
  /** How long to wait for the destination before giving up. */
  timeoutMs?: number;
}

// Only the capture endpoints posthog-js uses; flags, config, recordings and the rest are never forwarded.
const CAPTURE_PATHS = new Set(['e', 'i/v0/e', 'batch', 'capture']);
// Query parameters the destination needs to decode the body; the rest (cache busters, `ip`) stay here.
const FORWARDED_QUERY = ['compression', 'ver'];
const ACCEPTED = () => Response.json({ status: 1 });

/** 64 KiB: far more than a batch of page views, far less than anything worth smuggling. */
export const DEFAULT_INGEST_MAX_BYTES = 64 * 1024;

/**
 * Handles a request to `/ingest/<path>`: forwards capture bodies as raw bytes to the configured PostHog host,
 * with no cookie, no client address and no other client header; drops everything while consent is
 * withdrawn; answers config requests locally (posthog-js asks for remote config, which we never want).
 */
export async function handleIngest(
  request: Request,
  path: readonly string[],
  options: IngestOptions,
): Promise<Response> {
  const route = path.join('/').replace(/\/+$/, '');
  if (request.method === 'GET' && path[0] === 'array' && route.endsWith('/config'))
    return new Response('not found', { status: 404 });
  if (!CAPTURE_PATHS.has(route)) return Response.json({ error: 'not a capture path' }, { status: 404 });
  if (request.method !== 'POST') return Response.json({ error: 'method not allowed' }, { status: 405 });
  const maxBytes = options.maxBodyBytes ?? DEFAULT_INGEST_MAX_BYTES;
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes)
    return Response.json({ error: 'body too large' }, { status: 413 });
  const body = await readLimited(request, maxBytes);
  if (!body) return Response.json({ error: 'body too large' }, { status: 413 });
  // Read consent after the body: a withdrawal that lands meanwhile still drops the request.
  if (!options.consent().enabled) return ACCEPTED();
  const destination = options.destination();
  if (!destination) return ACCEPTED();
  const source = new URL(request.url);
  const target = new URL(`${destination.host}/${route}/`);
  for (const key of FORWARDED_QUERY) {
    const value = source.searchParams.get(key);
    if (value !== null) target.searchParams.set(key, value);
  }
  const headers: Record<string, string> = { 'content-type': request.headers.get('content-type') ?? 'text/plain' };
  const encoding = request.headers.get('content-encoding');
  if (encoding) headers['content-encoding'] = encoding;
  try {
    const answer = await fetch(target, {
      method: 'POST',
      body,
      headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    return new Response(await answer.arrayBuffer(), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  } catch {
    return Response.json({ error: 'destination unreachable' }, { status: 502 });
  }
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
