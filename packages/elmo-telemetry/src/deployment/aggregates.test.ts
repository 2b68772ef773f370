import { describe, expect, it } from 'vitest';
import { UsageAggregates } from './aggregates.js';

describe('UsageAggregates', () => {
  it('counts features and drains to zero', () => {
    const aggregates = new UsageAggregates();
    aggregates.feature('brands_created');
    aggregates.feature('prompts_created', 3);
    expect(aggregates.drain().features).toEqual({ brands_created: 1, prompts_created: 3 });
    expect(aggregates.isEmpty).toBe(true);
  });

  it('groups requests by template, method and status class with p50 and p95', () => {
    const aggregates = new UsageAggregates();
    for (let ms = 1; ms <= 100; ms += 1)
      aggregates.request({ route: '/api/brands/[id]', method: 'get', status: 200, durationMs: ms });
    aggregates.request({ route: '/api/brands/[id]', method: 'GET', status: 404, durationMs: 7 });
    aggregates.request({ route: '/api/brands', method: 'TRACE', status: 200, durationMs: 1 });
    expect(aggregates.drain().requests).toEqual([
      { route: '/api/brands/[id]', method: 'GET', status_class: '2xx', count: 100, p50_ms: 50, p95_ms: 95 },
      { route: '/api/brands/[id]', method: 'GET', status_class: '4xx', count: 1, p50_ms: 7, p95_ms: 7 },
    ]);
  });

  it('keeps memory flat under many requests', () => {
    const aggregates = new UsageAggregates(() => 0.999);
    for (let i = 0; i < 100_000; i += 1)
      aggregates.request({ route: '/api/brands', method: 'GET', status: 200, durationMs: i % 10 });
    const [row] = aggregates.drain().requests;
    expect(row?.count).toBe(100_000);
  });
});
