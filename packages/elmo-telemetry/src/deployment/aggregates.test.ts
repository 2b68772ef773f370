import { describe, expect, it } from 'vitest';
import { UsageAggregates } from './aggregates.js';

describe('UsageAggregates', () => {
  it('counts features and drains to zero', () => {
    const aggregates = new UsageAggregates();
    aggregates.feature('brands_created');
    aggregates.feature('prompts_created', 3);
    expect(aggregates.drain().features).toEqual({ brands_created: 1, prompts_created: 3 });
    expect(aggregates.isEmpty()).toBe(true);
  });

  it('groups requests by template, method and status class with p50 and p95', () => {
    const aggregates = new UsageAggregates();
    for (let ms = 100; ms >= 1; ms -= 1) aggregates.request('/api/brands/[id]', 'get', 200, ms);
    aggregates.request('/api/brands/[id]', 'GET', 404, 7);
    aggregates.request('/api/brands', 'POST', 503, 30);
    aggregates.request('/api/brands', 'TRACE', 200, 1);
    aggregates.request('/api/brands', 'GET', 99, 1);
    aggregates.request('/api/brands/42', 'GET', 200, 1);
    expect(aggregates.drain().requests).toEqual([
      { route: '/api/brands', method: 'POST', status_class: '5xx', count: 1, p50_ms: 30, p95_ms: 30 },
      { route: '/api/brands/[id]', method: 'GET', status_class: '2xx', count: 100, p50_ms: 50, p95_ms: 95 },
      { route: '/api/brands/[id]', method: 'GET', status_class: '4xx', count: 1, p50_ms: 7, p95_ms: 7 },
    ]);
    expect(aggregates.isEmpty()).toBe(true);
    expect(aggregates.drain().requests).toEqual([]);
  });

  it('keeps memory flat under many requests', () => {
    const aggregates = new UsageAggregates(7);
    for (let i = 0; i < 100_000; i += 1) aggregates.request('/api/brands', 'GET', 200, i % 10);
    const [row] = aggregates.drain().requests;
    expect(row?.count).toBe(100_000);
  });

  it('counts page views by template only, and keeps requests and page views for the hourly drain', () => {
    const aggregates = new UsageAggregates();
    aggregates.feature('brands_created');
    aggregates.request('/api/reports', 'GET', 200, 5);
    for (const page of ['/', '/brands/[id]', '/brands/[id]', '/brands/42', '/nope']) aggregates.pageView(page);
    // A 10-minute drain takes the feature counts only.
    expect(aggregates.drain(false)).toEqual({
      features: { brands_created: 1 },
      providers: [],
      requests: [],
      pages: [],
    });
    expect(aggregates.isEmpty(false)).toBe(true);
    expect(aggregates.isEmpty()).toBe(false);
    const hourly = aggregates.drain(true);
    expect(hourly.pages).toEqual([
      { page: '/', views: 1 },
      { page: '/brands/[id]', views: 2 },
    ]);
    expect(hourly.requests.map((r) => r.count)).toEqual([1]);
    expect(aggregates.isEmpty()).toBe(true);
  });

  it('clear forgets the hourly counts too', () => {
    const aggregates = new UsageAggregates();
    aggregates.request('/api/reports', 'GET', 200, 5);
    aggregates.pageView('/settings');
    aggregates.clear();
    expect(aggregates.isEmpty()).toBe(true);
    expect(aggregates.drain()).toEqual({ features: {}, providers: [], requests: [], pages: [] });
  });
});
