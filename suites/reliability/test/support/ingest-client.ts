import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';

// What posthog-js sends to `/ingest/e/` with compression on (its default; the app's own pages turn it off and
// send JSON, which /ingest reads the same way): a gzip body as text/plain with `compression=gzip-js`, events
// carrying `token` and `distinct_id` in their properties. Used for the fault modes, where driving Chromium per mode
// would cost minutes; the healthy cell drives the real posthog-js once.

/** One browser-style event as posthog-js puts it on the wire. */
export interface BrowserEvent {
  uuid: string;
  event: string;
  timestamp: string;
  properties: Record<string, unknown>;
}

/** `count` `$pageview` events for a deployment, each with a fresh uuid. */
export function browserEvents(
  deploymentId: string,
  count: number,
  extra: Record<string, unknown> = {},
): BrowserEvent[] {
  return Array.from({ length: count }, () => ({
    uuid: randomUUID(),
    event: '$pageview',
    timestamp: new Date().toISOString(),
    properties: {
      token: 'phc_test',
      distinct_id: deploymentId,
      $lib: 'web',
      $lib_version: '1.449.2',
      $pathname: '/',
      source: 'browser',
      $process_person_profile: false,
      ...extra,
    },
  }));
}

/** The answer of one POST to `/ingest`, with its duration; status 0 means the request itself failed. */
export interface IngestAnswer {
  status: number;
  ms: number;
  body: string;
}

/** POSTs events to `<web>/ingest/e/` exactly as posthog-js does (gzip, text/plain, query string). */
export async function postIngest(
  webUrl: string,
  events: readonly BrowserEvent[],
  timeoutMs = 15_000,
): Promise<IngestAnswer> {
  const started = performance.now();
  const query = `?ip=0&_=${Date.now()}&ver=1.449.2&compression=gzip-js`;
  try {
    const response = await fetch(`${webUrl}/ingest/e/${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: gzipSync(JSON.stringify(events)),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    return { status: response.status, ms: performance.now() - started, body };
  } catch (error) {
    return { status: 0, ms: performance.now() - started, body: String(error) };
  }
}
