import { describe, expect, it } from 'vitest';
import { toRouteTemplate } from './route-template.js';

describe('toRouteTemplate', () => {
  const templates = ['/api/brands', '/api/brands/[id]', '/api/brands/[id]/prompts'];
  it.each([
    ['/api/brands', '/api/brands'],
    ['/api/brands/', '/api/brands'],
    ['/api/brands/42?name=Acme%20Corp', '/api/brands/[id]'],
    ['/api/brands/alice@example.com/prompts', '/api/brands/[id]/prompts'],
    ['/api/brands/1/prompts/2', undefined],
    ['/home/alice', undefined],
  ])('%s → %s', (path, expected) => {
    expect(toRouteTemplate(path, templates)).toBe(expected);
  });
});
