import { describe, expect, it } from 'vitest';
import {
  breakdown,
  dedupe,
  distinctBy,
  funnel,
  latestPerId,
  percentile,
  rowsAsEvents,
  type StoredEvent,
  str,
  sumBy,
} from '../src/queries.js';
import { ask, defineQuestion, selectNeeded } from '../src/question.js';

const event = (
  name: string,
  distinctId: string,
  properties: Record<string, unknown>,
  extra: Partial<StoredEvent> = {},
): StoredEvent => ({ event: name, distinctId, properties, ...extra });

describe('queries', () => {
  it('deduplicates on uuid, as PostHog does', () => {
    const a = event('x', 'd1', {}, { uuid: 'u1' });
    expect(dedupe([a, { ...a }, event('x', 'd1', {}, { uuid: 'u2' }), event('x', 'd1', {})])).toHaveLength(3);
  });

  it('breaks down by a property, a list property counting each item, keys sorted', () => {
    const events = [
      event('e', 'a', { p: 'z', l: ['x', 'y'] }),
      event('e', 'b', { p: 'a', l: ['x'] }),
      event('e', 'b', { p: 'z' }),
    ];
    expect(breakdown(events, (e) => str(e, 'p'))).toEqual({ a: 1, z: 2 });
    expect(Object.keys(breakdown(events, (e) => str(e, 'p')))).toEqual(['a', 'z']);
    expect(
      breakdown(events, (e) => (Array.isArray(e.properties.l) ? (e.properties.l as string[]) : undefined)),
    ).toEqual({ x: 2, y: 1 });
    expect(distinctBy(events, (e) => str(e, 'p'))).toEqual({ a: 1, z: 2 });
    expect(
      sumBy(
        events,
        (e) => str(e, 'p'),
        () => 2,
      ),
    ).toEqual({ a: 2, z: 4 });
  });

  it('takes the latest event per id by timestamp', () => {
    const latest = latestPerId([
      event('e', 'a', { v: 2 }, { timestamp: '2026-01-02T00:00:00Z' }),
      event('e', 'a', { v: 1 }, { timestamp: '2026-01-01T00:00:00Z' }),
    ]);
    expect(latest.get('a')?.properties.v).toBe(2);
  });

  it('computes nearest-rank percentiles and funnels', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 95)).toBe(5);
    expect(funnel(['b', 'c', 'a', 'c'], ['a', 'b', 'c'])).toEqual({ a: 4, b: 3, c: 2 });
  });

  it('shows a question only the events and properties it declared', () => {
    const events = [
      event(
        'cli_command',
        'i1',
        { command: 'status', flags: ['json'], $set: { email: 'x@example.com' } },
        { uuid: 'u' },
      ),
      event('cli_command', 'i1', { command: 'status' }, { uuid: 'u' }),
      event('cli_init', 'i1', { completed: true }),
    ];
    expect(selectNeeded(events, [{ event: 'cli_command', properties: ['command'] }])).toEqual([
      { event: 'cli_command', distinctId: 'i1', uuid: 'u', timestamp: undefined, properties: { command: 'status' } },
    ]);
    const peeking = defineQuestion({
      id: 'peeking',
      text: 'Which flags are used?',
      seeds: ['001'],
      needs: [{ event: 'cli_command', properties: ['command'] }],
      answer: (seen) => seen.map((e) => e.properties.flags),
      render: () => [],
    });
    expect(ask(peeking, events)).toEqual([undefined]);
  });

  it('shows each row of a rows property with the declared columns only', () => {
    const rows = [{ route: '/api/brands', method: 'GET', count: 3, p95_ms: 40 }, 'not a row'];
    const events = [event('api_requests', 'd', { rows, product_version: '1.0.0' })];
    const [seen] = selectNeeded(events, [{ event: 'api_requests', properties: ['rows[].route', 'rows[].count'] }]);
    expect(seen?.properties).toEqual({ rows: [{ route: '/api/brands', count: 3 }] });
  });
});

describe('rowsAsEvents', () => {
  it('turns each row of a rows property into an event carrying the event’s other properties', () => {
    const hourly = {
      event: 'page_views',
      distinctId: 'd',
      properties: {
        product_version: '1.0.0',
        rows: [{ page: '/', views: 2 }, 'not a row', { page: '/settings', views: 1 }],
      },
    };
    expect(rowsAsEvents([hourly]).map((e) => e.properties)).toEqual([
      { product_version: '1.0.0', page: '/', views: 2 },
      { product_version: '1.0.0', page: '/settings', views: 1 },
    ]);
    expect(rowsAsEvents([{ ...hourly, properties: {} }])).toEqual([]);
  });
});
