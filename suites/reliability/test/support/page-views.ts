import type { ReceivedEvent } from '@elmo/posthog-sink';

// The web app counts the page views posted to /ingest per page template and sends them hourly (every six usage
// intervals: 3 s with the test knobs) as `page_views` events carrying `rows: [{ page, views }]`; none is forwarded.

/** The `page_views` events among `events`, each uuid once (a resend after a lost answer is deduplicated). */
export function pageViewEvents(events: readonly ReceivedEvent[]): ReceivedEvent[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    if (e.event !== 'page_views') return false;
    if (e.uuid === undefined) return true;
    if (seen.has(e.uuid)) return false;
    seen.add(e.uuid);
    return true;
  });
}

/** The rows of those events. */
export function pageViewRows(events: readonly ReceivedEvent[]): { page?: unknown; views?: unknown }[] {
  return pageViewEvents(events).flatMap((e) => (Array.isArray(e.properties.rows) ? e.properties.rows : []));
}

/** How many page views the `page_views` events among `events` count, summed over their rows. */
export function viewsIn(events: readonly ReceivedEvent[]): number {
  return pageViewRows(events).reduce((sum, row) => sum + (typeof row.views === 'number' ? row.views : 0), 0);
}
