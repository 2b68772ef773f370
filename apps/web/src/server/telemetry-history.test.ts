import type { LogEntry } from '@elmo/telemetry-core';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { describeHistory, niceMaximum, shortDate, TelemetryChart } from '../components/telemetry-chart';
import { summarizeLog } from './telemetry-history';

// The settings page's picture of the local log: 14 calendar days ending today, each event once by its newest
// status, grouped as sent / queued / kept local / dropped.

const NOW = Date.parse('2025-12-14T10:30:00Z');
const now = () => NOW;
let n = 0;
function entry(time: string, event: string, status: LogEntry['status']): LogEntry {
  n += 1;
  return { time, uuid: `u${n}`, event, status };
}

describe('summarizeLog', () => {
  it('has one bucket per calendar day, oldest first, ending today, empty days included', () => {
    const history = summarizeLog([], { now, timeZone: 'UTC' });
    expect(history.days.map((d) => d.date)).toEqual([
      '2025-12-01',
      '2025-12-02',
      '2025-12-03',
      '2025-12-04',
      '2025-12-05',
      '2025-12-06',
      '2025-12-07',
      '2025-12-08',
      '2025-12-09',
      '2025-12-10',
      '2025-12-11',
      '2025-12-12',
      '2025-12-13',
      '2025-12-14',
    ]);
    expect(history.days.every((d) => d.total === 0)).toBe(true);
    expect(history.totals).toEqual({ sent: 0, queued: 0, local: 0, dropped: 0, all: 0 });
  });

  it('counts each entry on its day by status, and per event name, leaving out what is outside the 14 days', () => {
    const entries = [
      entry('2025-11-30T23:59:59.999Z', 'heartbeat', 'sent'), // the day before the first: out
      entry('2025-12-01T00:00:00.000Z', 'heartbeat', 'sent'),
      entry('2025-12-01T12:00:00.000Z', 'deployment_started', 'sent'),
      entry('2025-12-05T08:00:00.000Z', 'feature_usage', 'local'),
      entry('2025-12-05T09:00:00.000Z', 'feature_usage', 'local-only'),
      entry('2025-12-05T09:30:00.000Z', 'heartbeat', 'preview'),
      entry('2025-12-13T23:00:00.000Z', 'api_requests', 'dropped'),
      entry('2025-12-14T10:00:00.000Z', 'heartbeat', 'queued'),
      entry('2025-12-14T10:29:00.000Z', 'heartbeat', 'sent'),
      entry('2025-12-16T00:00:00.000Z', 'heartbeat', 'sent'), // after tomorrow: another clock, out
      entry('not a time', 'heartbeat', 'sent'),
    ];
    const history = summarizeLog(entries, { now, timeZone: 'UTC' });
    const day = (date: string) => history.days.find((d) => d.date === date);
    expect(day('2025-12-01')).toEqual({
      date: '2025-12-01',
      total: 2,
      counts: { sent: 2, queued: 0, local: 0, dropped: 0 },
    });
    expect(day('2025-12-05')?.counts).toEqual({ sent: 0, queued: 0, local: 3, dropped: 0 });
    expect(day('2025-12-13')?.counts).toEqual({ sent: 0, queued: 0, local: 0, dropped: 1 });
    expect(day('2025-12-14')?.counts).toEqual({ sent: 1, queued: 1, local: 0, dropped: 0 });
    expect(history.totals).toEqual({ sent: 3, queued: 1, local: 3, dropped: 1, all: 8 });
    expect(history.events).toEqual([
      { event: 'heartbeat', total: 4, counts: { sent: 2, queued: 1, local: 1, dropped: 0 } },
      { event: 'feature_usage', total: 2, counts: { sent: 0, queued: 0, local: 2, dropped: 0 } },
      { event: 'api_requests', total: 1, counts: { sent: 0, queued: 0, local: 0, dropped: 1 } },
      { event: 'deployment_started', total: 1, counts: { sent: 1, queued: 0, local: 0, dropped: 0 } },
    ]);
  });

  it('takes the days of the given time zone, across a daylight saving change', () => {
    // 23:30 UTC on 13 Dec is already 14 Dec in Berlin.
    const berlin = summarizeLog([entry('2025-12-13T23:30:00Z', 'heartbeat', 'sent')], {
      now,
      timeZone: 'Europe/Berlin',
    });
    expect(berlin.days.at(-1)).toMatchObject({ date: '2025-12-14', total: 1 });
    const utc = summarizeLog([entry('2025-12-13T23:30:00Z', 'heartbeat', 'sent')], { now, timeZone: 'UTC' });
    expect(utc.days.at(-2)).toMatchObject({ date: '2025-12-13', total: 1 });

    // 30 March 2025 has 23 hours in Berlin: still 14 distinct days, none skipped.
    const spring = summarizeLog([], { now: () => Date.parse('2025-04-05T12:00:00Z'), timeZone: 'Europe/Berlin' });
    expect(new Set(spring.days.map((d) => d.date)).size).toBe(14);
    expect(spring.days[0]?.date).toBe('2025-03-23');
    expect(spring.days.at(-1)?.date).toBe('2025-04-05');
  });
});

describe('the chart', () => {
  it('has round axis maxima and short dates', () => {
    expect([0, 1, 2, 3, 7, 10, 11, 48, 120].map(niceMaximum)).toEqual([1, 1, 2, 5, 10, 10, 20, 50, 200]);
    expect(shortDate('2025-12-03')).toBe('Dec 3');
  });

  it('says in words what it shows', () => {
    const empty = summarizeLog([], { now, timeZone: 'UTC' });
    expect(describeHistory(empty)).toBe('No events in the last 14 days (Dec 1 to Dec 14, UTC).');
    const some = summarizeLog(
      [
        entry('2025-12-02T10:00:00Z', 'heartbeat', 'sent'),
        entry('2025-12-03T10:00:00Z', 'heartbeat', 'sent'),
        entry('2025-12-03T11:00:00Z', 'feature_usage', 'local'),
        entry('2025-12-03T12:00:00Z', 'api_requests', 'dropped'),
      ],
      { now, timeZone: 'UTC' },
    );
    expect(describeHistory(some)).toBe(
      'In the last 14 days (Dec 1 to Dec 14, UTC): 4 events (2 sent, 1 kept local, 1 dropped). Busiest day: Dec 3, 3 events.',
    );
  });

  it('renders one bar group per day, stacked by status, each told apart by pattern and named, with its summary', () => {
    const history = summarizeLog(
      [
        entry('2025-12-03T10:00:00Z', 'heartbeat', 'sent'),
        entry('2025-12-03T11:00:00Z', 'feature_usage', 'local'),
        entry('2025-12-03T12:00:00Z', 'api_requests', 'dropped'),
      ],
      { now, timeZone: 'UTC' },
    );
    const html = renderToStaticMarkup(createElement(TelemetryChart, { history }));
    expect(html.match(/<g data-date="/g)).toHaveLength(14);
    expect(html).toContain('role="img" aria-labelledby="telemetry-chart-title telemetry-chart-desc"');
    expect(html).toContain('<title id="telemetry-chart-title">Events per day, last 14 days, by status</title>');
    const bars = [...html.matchAll(/<rect [^>]*fill="([^"]+)"[^>]*data-status="(\w+)"/g)].map((m) => [m[2], m[1]]);
    expect(bars).toEqual([
      ['sent', '#2457c5'],
      ['local', 'url(#tc-local)'],
      ['dropped', 'url(#tc-dropped)'],
    ]);
    expect(html).toContain('<title>Dec 3: 1 kept local</title>');
    for (const label of ['sent', 'queued', 'kept local', 'dropped']) expect(html).toContain(`</svg> ${label}</li>`);
    expect(html).toContain(describeHistory(history));
    expect(html).toContain('>today</text>');
    expect(html).toContain('<code>api_requests</code>');
  });
});
