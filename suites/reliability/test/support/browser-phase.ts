import { expect } from 'vitest';
import { waitUntil } from '../../../../apps/cli/test/support/processes.js';
import { launchChromium } from '../../../../apps/web/test/support/browser.js';
import type { Cell } from './cell.js';
import { browserEvents, type IngestAnswer, postIngest, recoverLikeBrowser } from './ingest-client.js';
import type { FaultMode } from './modes.js';
import type { SwitchableSink } from './switchable-sink.js';
import { duplicateUuids, sleep } from './wire.js';

/** How long /ingest may take to answer: its own 5 s destination timeout plus a margin for a loaded machine. */
export const INGEST_BUDGET_MS = 6500;

// What /ingest answers the browser in each mode: the destination's status, or 502 when it could not be reached.
const EXPECTED_STATUS: Record<FaultMode['id'], number> = {
  healthy: 200,
  '500': 500,
  '429': 429,
  '413': 413,
  '400': 400,
  'slow-3s': 200,
  hang: 502,
  refused: 502,
  reset: 502,
  'down-up': 502,
};

/**
 * The browser row: posthog-js-like bodies POSTed to `/ingest/e/` while the destination misbehaves. /ingest
 * must answer within its budget with a status a browser can act on; after recovery, a client that retries
 * as posthog-js does gets every event to the destination exactly once (none for a 400).
 */
export async function runBrowserPhase(
  cell: Cell,
  mode: FaultMode,
  sink: SwitchableSink,
  web: { url: string; alive(): boolean },
  deploymentId: string,
): Promise<void> {
  if (mode.id === 'refused' || mode.id === 'down-up') await sink.down();
  else sink.setMode(mode.sinkMode ?? 'healthy');
  const events = browserEvents(deploymentId, 2);
  const first: IngestAnswer = await postIngest(web.url, events);
  cell.metric('ingest answer ms', first.ms);
  cell.check('the web app stays up', () => expect(web.alive()).toBe(true));
  cell.check(`/ingest answers within ${INGEST_BUDGET_MS} ms`, () => expect(first.ms).toBeLessThan(INGEST_BUDGET_MS));
  cell.check(`/ingest answers ${EXPECTED_STATUS[mode.id]} (the destination's status, or 502)`, () => {
    expect(first.status).toBe(EXPECTED_STATUS[mode.id]);
  });

  sink.setMode('healthy');
  await sink.up();
  const retries = await recoverLikeBrowser(web.url, events, first);
  cell.metric('ingest retries', retries.length);
  cell.check('retries after recovery succeed', () => expect(retries.every((s) => s === 200)).toBe(true));
  const uuids = events.map((e) => e.uuid);
  const want = mode.delivery === 'once' ? 1 : 0;
  // A slow destination answers after 3 s; anything still on its way has arrived once the retries returned.
  await sleep(200);
  const accepted = sink.events().filter((e) => uuids.includes(String(e.uuid)));
  cell.check(want === 1 ? 'each event arrived exactly once' : 'the refused events never arrived', () => {
    for (const uuid of uuids)
      expect(
        accepted.filter((e) => e.uuid === uuid),
        uuid,
      ).toHaveLength(want);
  });
  cell.check('forwarded on the capture path only', () => {
    expect(new Set(accepted.map((e) => e.path))).toEqual(new Set(want ? ['/e/'] : []));
  });
}

/** The healthy cell also drives the real posthog-js in Chromium: two page views, each arriving once via /ingest. */
export async function runChromiumPageViews(
  cell: Cell,
  sink: SwitchableSink,
  webUrl: string,
  deploymentId: string,
): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const pageviews = () => sink.events().filter((e) => e.event === '$pageview' && e.properties.source === 'browser');
    const before = pageviews().length;
    await page.goto(webUrl);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await waitUntil(() => pageviews().length >= before + 1, 'the first page view', 15_000);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Telemetry' }).waitFor();
    await waitUntil(() => pageviews().length >= before + 2, 'the second page view', 15_000);
    // posthog-js retries failed sends; a second copy would show up within this pause.
    await sleep(1000);
    const views = pageviews().slice(before);
    cell.check('real posthog-js in Chromium: two page views, each exactly once', () => {
      expect(views).toHaveLength(2);
      expect(duplicateUuids(views)).toEqual([]);
    });
    cell.check('page views carry the deployment id and the route template only', () => {
      expect(views.map((v) => [v.distinctId, v.properties.$pathname])).toEqual([
        [deploymentId, '/'],
        [deploymentId, '/settings'],
      ]);
    });
  } finally {
    await browser.close();
  }
}
