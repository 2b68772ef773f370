import type { ReceivedEvent } from '@elmo/posthog-sink';
import { waitUntil } from '@elmo/test-support';
import { launchChromium } from '@elmo/test-support/browser';
import { expect } from 'vitest';
import type { Cell } from './cell.js';
import { browserEvents, type IngestAnswer, postIngest } from './ingest-client.js';
import { type FaultMode, isPortFault } from './modes.js';
import { pageViewEvents, viewsIn } from './page-views.js';
import type { SwitchableSink } from './switchable-sink.js';
import { audit, distinctUuids, sleep } from './wire.js';

/** How long /ingest may take to answer: it never waits for the destination, so well under a second. */
export const INGEST_BUDGET_MS = 1500;

/**
 * The browser row: posthog-js-like bodies POSTed to `/ingest/e/` while the destination misbehaves. /ingest
 * takes them at once (200, within its budget, whatever the destination does) and counts them; the server sends
 * the count in its hourly `page_views` (every 3 s with the test knobs) through its own delivery path: after the
 * endpoint recovers, the server's retries get that event to the destination exactly once (none for a 400), on
 * posthog-node's /batch/, keyed by the deployment, its rows counting every page view.
 */
export async function runBrowserPhase(
  cell: Cell,
  mode: FaultMode,
  sink: SwitchableSink,
  web: { url: string; alive(): boolean },
  deploymentId: string,
): Promise<(() => Promise<void>) | undefined> {
  const pageviews = () => pageViewEvents(sink.events());
  const before = pageviews().length;
  const requestsBefore = sink.requests().length;
  if (isPortFault(mode)) await sink.down();
  else sink.setMode(mode.sinkMode ?? 'healthy');
  const events = browserEvents(deploymentId, 2);
  const first: IngestAnswer = await postIngest(web.url, events);
  cell.metric('ingest answer ms', first.ms);
  cell.check('the web app stays up', () => expect(web.alive()).toBe(true));
  cell.check(`/ingest answers within ${INGEST_BUDGET_MS} ms`, () => expect(first.ms).toBeLessThan(INGEST_BUDGET_MS));
  cell.check('/ingest answers 200 whatever the destination does', () => expect(first.status).toBe(200));

  const checkArrived = () => checkPageViews(cell, mode, sink, pageviews, before, events.length, deploymentId);
  // Stopped in an outage: the page views wait in the server's queue, then its spool, until after the restart.
  if (mode.id === 'stop-in-outage') return checkArrived;

  // The server's next flush meets the fault; the endpoint recovers right after (413 stays: halving is the recovery).
  const faulted = mode.faulted;
  if (faulted) {
    // The fault must meet the batch that carries the page views, not another event sent just before it.
    const carriesPageviews = (r: { text?: string }) => (r.text ?? '').includes('"page_views"');
    await waitUntil(
      () =>
        sink
          .requests()
          .slice(requestsBefore)
          .some((r) => faulted(r) && carriesPageviews(r)),
      'the server’s send to meet the fault',
      10_000,
      5,
    ).catch(() => undefined);
  } else if (mode.id !== 'healthy') {
    await sleep(400);
  }
  if (mode.id !== '413') sink.setMode('healthy');
  await sink.up();
  await checkArrived();
  return undefined;
}

async function checkPageViews(
  cell: Cell,
  mode: FaultMode,
  sink: SwitchableSink,
  pageviews: () => ReceivedEvent[],
  before: number,
  taken: number,
  deploymentId: string,
): Promise<void> {
  const want = mode.delivery === 'once' ? taken : 0;
  const counted = () => viewsIn(pageviews().slice(before));
  await waitUntil(() => counted() >= want && (want === 0 || counted() > 0), 'the page views to arrive', 15_000).catch(
    () => undefined,
  );
  // Anything sent twice would show up within this pause (an hourly send is 3 s here).
  await sleep(want ? 500 : 3500);
  const views = pageviews().slice(before);
  const delivered = distinctUuids(views);
  cell.metric('page views taken / counted in what arrived', `${taken} / ${counted()}`);
  cell.check(want ? 'each page view was counted in what arrived' : 'the refused page views never arrived', () => {
    expect(counted()).toBe(want);
  });
  cell.check('nothing was sent again after an answer said it was accepted', () => {
    const viewUuids = new Set(delivered);
    expect(audit(sink.requests()).resentAfterAnswer.filter((uuid) => viewUuids.has(uuid))).toEqual([]);
  });
  cell.check('sent by the server on /batch/, keyed by the deployment, with the template only', () => {
    for (const view of views) {
      expect(view.path).toBe('/batch/');
      expect(view.distinctId).toBe(deploymentId);
      expect(view.properties.rows).toEqual([{ page: '/', views: expect.any(Number) }]);
    }
    expect(sink.events().some((e) => e.event === '$pageview')).toBe(false);
  });
}

/** The healthy cell also drives the real posthog-js in Chromium: two page views, each counted once via /ingest. */
export async function runChromiumPageViews(
  cell: Cell,
  sink: SwitchableSink,
  webUrl: string,
  deploymentId: string,
): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    const before = sink.events().length;
    const rows = () => pageViewEvents(sink.events().slice(before)).flatMap((e) => e.properties.rows as object[]);
    const counted = () => viewsIn(sink.events().slice(before));
    await page.goto(webUrl);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Telemetry' }).waitFor();
    await waitUntil(() => counted() >= 2, 'both page views to be counted', 15_000);
    // posthog-js retries failed sends; a second copy would be counted within this pause (an hourly send is 3 s).
    await sleep(3500);
    const views = pageViewEvents(sink.events().slice(before));
    cell.check('real posthog-js in Chromium: two page views, each counted exactly once', () => {
      expect(counted()).toBe(2);
      expect(distinctUuids(views)).toHaveLength(views.length);
    });
    cell.check('page views carry the deployment id and the route template only', () => {
      expect(new Set(views.map((v) => v.distinctId))).toEqual(new Set([deploymentId]));
      expect(rows()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ page: '/' }),
          expect.objectContaining({ page: '/settings' }),
        ]),
      );
    });
  } finally {
    await browser.close();
  }
}
