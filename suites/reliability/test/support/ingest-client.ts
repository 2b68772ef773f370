import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';

// What posthog-js sends to `/ingest/e/`: a gzip body as text/plain with `compression=gzip-js`, events carrying
// `token` and `distinct_id` in their properties. Used for the fault modes, where driving Chromium per mode
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

/** Statuses after which posthog-js sends the same events again (network errors, 408, 429, 5xx). */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

/**
 * Sends events the way a well-behaved posthog-js client recovers from `first`: the same events again after a
 * retryable answer, halves after a 413, nothing after another 4xx. Returns the statuses of the extra requests.
 */
export async function recoverLikeBrowser(
  webUrl: string,
  events: readonly BrowserEvent[],
  first: IngestAnswer,
): Promise<number[]> {
  if (first.status === 200) return [];
  if (first.status === 413 && events.length > 1) {
    const half = Math.ceil(events.length / 2);
    const statuses: number[] = [];
    for (const part of [events.slice(0, half), events.slice(half)]) {
      const answer = await postIngest(webUrl, part);
      statuses.push(answer.status, ...(await recoverLikeBrowser(webUrl, part, answer)));
    }
    return statuses;
  }
  if (!isRetryableStatus(first.status)) return [];
  const again = await postIngest(webUrl, events);
  return [again.status];
}
