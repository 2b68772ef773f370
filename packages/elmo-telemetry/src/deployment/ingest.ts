import { toRouteTemplate } from '@elmo/telemetry-core';
import { decodeBrowserBatch } from '@elmo/telemetry-core/node';
import { BROWSER_EVENTS, PAGE_ROUTES, type PageRoute } from '../names.js';

/** How the web app's `/ingest` route takes the browser's page views (SPEC §7). */
export interface IngestOptions {
  /** Counts one page view by template (the deployment's `pageView`: consent, local mode and the log are its). */
  pageView: (page: PageRoute) => void;
  /** Largest body accepted; larger ones are refused with 413. */
  maxBodyBytes?: number;
}

// Only the capture endpoints posthog-js uses; flags, config, recordings and the rest are never taken.
const CAPTURE_PATHS = new Set(['e', 'i/v0/e', 'batch', 'capture']);
// posthog-js sends one page view at a time; a body with more events than this is not posthog-js.
const MAX_EVENTS_PER_BODY = 50;
const ACCEPTED = () => Response.json({ status: 1 });
const refuse = (status: number, error: string) => Response.json({ error }, { status });
const [PAGEVIEW] = Object.keys(BROWSER_EVENTS) as (keyof typeof BROWSER_EVENTS)[];
const [PAGE_PROPERTY] = BROWSER_EVENTS.$pageview;

/** 64 KiB: far more than a batch of page views, far less than anything worth smuggling. */
export const DEFAULT_INGEST_MAX_BYTES = 64 * 1024;

/**
 * The page template a page view names: its `$pathname` (our posthog-js setup sends the template itself,
 * `/brands/[id]`), else the path of its `$current_url`. A real path is mapped onto its template, and anything that
 * is neither counts as nothing; the path itself is never kept.
 */
export function pageTemplateOf(properties: Readonly<Record<string, unknown>>): PageRoute | undefined {
  const pathname = properties[PAGE_PROPERTY];
  if (typeof pathname === 'string') return templateOf(pathname);
  const url = properties.$current_url;
  if (typeof url !== 'string' || !URL.canParse(url, 'http://localhost')) return undefined;
  return templateOf(new URL(url, 'http://localhost').pathname);
}

const templateOf = (path: string) =>
  path.length > 512 ? undefined : (toRouteTemplate(path, PAGE_ROUTES) as PageRoute | undefined);

/**
 * Handles a request to `/ingest/<path>`. It is no relay, and forwards nothing: each body is decoded and every
 * page view in it is counted by its page template into the hourly `page_views` (SPEC §5); anything else is
 * dropped. posthog-js is answered 200 whatever consent says, so it never retries.
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
  const body = await readBody(request, maxBytes);
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
    if (event.event !== PAGEVIEW) continue;
    const page = pageTemplateOf(event.properties);
    if (page) options.pageView(page);
  }
  return ACCEPTED();
}

// A body of a declared length within the bound is read whole in one go (page views are a few hundred bytes);
// without a length (chunked), it is read chunk by chunk and given up as soon as it passes the bound. The HTTP
// parser never hands over more bytes than a declared length.
async function readBody(request: Request, maxBytes: number): Promise<Uint8Array | undefined> {
  if (!request.body) return new Uint8Array();
  if (request.headers.has('content-length')) {
    const body = new Uint8Array(await request.arrayBuffer());
    return body.byteLength > maxBytes ? undefined : body;
  }
  return readLimited(request, maxBytes);
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
