import type { BrowserContext } from 'playwright-core';
import { chunk, type Secret } from './corpus.js';

// The inputs of the web app a person controls, each pushed a share of the corpus through the real HTTP API or
// the real pages. The whole corpus goes through brand names, prompt texts, API paths and queries, and page
// URLs; renames, edits and the internal API take a quarter each (every request costs ~10 ms on PGlite).

/** What the channels share: the running app, the ids they created, a browser for the page channel. */
export interface WebSession {
  webUrl: string;
  token: string;
  brandIds: string[];
  promptIds: string[];
  browser?: BrowserContext;
  /** Page views the page channel expects the browser to send. */
  expectedPageViews: number;
  /** Resolves once `count` browser page views reached the destination. */
  waitForPageViews(count: number): Promise<void>;
}

/** One input of the web app. */
export interface WebChannel {
  id: string;
  label: string;
  /** False for machine traffic the product deliberately does not report (the worker's internal API). */
  reported: boolean;
  /** Pushes `secrets` through the input; returns how many were pushed and the HTTP statuses seen. */
  push(session: WebSession, secrets: readonly Secret[]): Promise<{ pushed: number; statuses: number[] }>;
}

async function call(
  session: WebSession,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown }> {
  // As the app's own pages call it: JSON (the guard refuses any other state change, SPEC §3).
  const headers = { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) };
  const response = await fetch(`${session.webUrl}${path}`, {
    ...init,
    headers,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body };
}

/** Runs `task` over `items`, six at a time (the database serialises writes anyway). */
async function pool<T>(items: readonly T[], task: (item: T, index: number) => Promise<number>): Promise<number[]> {
  const statuses: number[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      statuses[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return statuses;
}

const post = (session: WebSession, path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(session, path, { method: 'POST', body: JSON.stringify(body), headers });
const quarter = (secrets: readonly Secret[], part: number) => secrets.filter((s) => s.id % 4 === part);
const pick = (ids: string[], i: number) => ids[i % ids.length] as string;

/** Creates a brand or prompt from each secret and keeps the ids the API hands back, for the later channels. */
async function createEach(
  session: WebSession,
  secrets: readonly Secret[],
  kind: 'brand' | 'prompt',
  request: (secret: Secret, i: number) => [path: string, body: unknown],
): Promise<{ pushed: number; statuses: number[] }> {
  const ids = kind === 'brand' ? session.brandIds : session.promptIds;
  const statuses = await pool(secrets, async (secret, i) => {
    const answer = await post(session, ...request(secret, i));
    const id = (answer.body as { [key in typeof kind]?: { id: string } })[kind]?.id;
    if (id) ids.push(id);
    return answer.status;
  });
  return { pushed: secrets.length, statuses };
}

/** The web app's user inputs, in the order they run (later channels use the brands the first creates). */
export const WEB_CHANNELS: readonly WebChannel[] = [
  {
    id: 'brand-names',
    reported: true,
    label: 'brand names (POST /api/brands; too long ones are refused)',
    push: (session, secrets) =>
      createEach(session, secrets, 'brand', (secret) => ['/api/brands', { name: secret.value }]),
  },
  {
    id: 'prompt-texts',
    reported: true,
    label: 'prompt texts (POST /api/brands/[id]/prompts)',
    push: (session, secrets) =>
      createEach(session, secrets, 'prompt', (secret, i) => [
        `/api/brands/${pick(session.brandIds, i)}/prompts`,
        { text: secret.value },
      ]),
  },
  {
    id: 'edits',
    reported: true,
    label: 'brand renames and prompt edits (PATCH)',
    async push(session, secrets) {
      const renames = quarter(secrets, 0);
      const edits = quarter(secrets, 1);
      const patch = (path: string, body: unknown) =>
        call(session, path, { method: 'PATCH', body: JSON.stringify(body) });
      const statuses = [
        ...(await pool(
          renames,
          async (s, i) => (await patch(`/api/brands/${pick(session.brandIds, i)}`, { name: s.value })).status,
        )),
        ...(await pool(
          edits,
          async (s, i) => (await patch(`/api/prompts/${pick(session.promptIds, i)}`, { text: s.value })).status,
        )),
      ];
      return { pushed: renames.length + edits.length, statuses };
    },
  },
  {
    id: 'api-paths',
    reported: true,
    label: 'API paths, query strings, headers, bodies of the wrong type',
    async push(session, secrets) {
      const statuses = await pool(secrets, async (secret, i) => {
        const value = encodeURIComponent(secret.value);
        const requests = [
          () => call(session, `/api/brands/${value}`),
          () => call(session, `/api/reports?brandId=${value}&limit=${value}`),
          () => call(session, `/api/prompts/${value}`, { method: 'DELETE' }),
          () => post(session, '/api/settings/telemetry', { enabled: secret.value }),
          // Header values cannot hold raw newlines, so they carry the URL-encoded form.
          () =>
            call(session, '/api/brands', {
              headers: { 'user-agent': value, cookie: `s=${value}`, referer: `http://x/${value}` },
            }),
        ];
        return (await (requests[i % requests.length] as () => Promise<{ status: number }>)()).status;
      });
      return { pushed: secrets.length, statuses };
    },
  },
  {
    id: 'internal-api',
    reported: false,
    label: 'internal job API (worker ids, error codes, job ids)',
    async push(session, secrets) {
      const auth = { authorization: `Bearer ${session.token}` };
      const part = quarter(secrets, 2);
      const statuses = await pool(part, async (secret, i) => {
        const id = encodeURIComponent(secret.value);
        const answer =
          i % 2 === 0
            ? await post(session, '/api/internal/jobs/claim', { workerId: secret.value }, auth)
            : await post(session, `/api/internal/jobs/${id}/fail`, { workerId: 'w-1', errorCode: secret.value }, auth);
        return answer.status;
      });
      return { pushed: part.length, statuses };
    },
  },
  {
    id: 'page-urls',
    reported: true,
    label: 'page URLs, query strings and fragments in Chromium',
    async push(session, secrets) {
      const browser = session.browser;
      if (!browser) throw new Error('the page channel needs a browser');
      const page = await browser.newPage();
      const pages = ['/', `/brands/${pick(session.brandIds, 0)}`, '/settings', `/brands/${pick(session.brandIds, 1)}`];
      const statuses: number[] = [];
      // posthog-js batches for 3 s, and sends what it holds when the page is left: the next navigation
      // delivers the previous page view, so the pages are visited back to back and counted at the end.
      // Half of each batch rides in the query string (the server sees it), half in the fragment (only the
      // page's script does, which is where an analytics library would pick up `location.href`).
      for (const [i, batch] of chunk(secrets, 64).entries()) {
        const query = new URLSearchParams(batch.slice(0, 32).map((s, k) => [`q${k}`, s.value])).toString();
        const fragment = batch
          .slice(32)
          .map((s) => encodeURIComponent(s.value))
          .join('&');
        const response = await page.goto(`${session.webUrl}${pages[i % pages.length]}?${query}#${fragment}`);
        statuses.push(response?.status() ?? 0);
        session.expectedPageViews += 1;
        // posthog-js loads after hydration; give it time to capture before the page is left.
        await page.waitForTimeout(1000);
      }
      // A path that names no page: the not-found page, which reports no page view at all.
      const missing = await page.goto(`${session.webUrl}/${encodeURIComponent(secrets[0]?.value ?? 'x')}`);
      statuses.push(missing?.status() === 404 ? 200 : (missing?.status() ?? 0));
      await page.goto('about:blank');
      await session.waitForPageViews(session.expectedPageViews);
      await page.close();
      return { pushed: secrets.length, statuses };
    },
  },
];
