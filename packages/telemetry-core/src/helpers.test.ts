import { describe, expect, it } from 'vitest';
import { toRouteTemplate, usedFlagNames } from './helpers.js';

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

describe('usedFlagNames', () => {
  const declared = [{ long: 'dir', short: 'd' }, { long: 'telemetry' }, { long: 'email' }, { long: 'yes', short: 'y' }];
  it('names declared options in every form, never values or undeclared options', () => {
    const argv = [
      '--dir',
      '/home/alice/secret',
      '--email=alice@example.com',
      '--no-telemetry',
      '-y',
      '--token=s3cr3t',
      'positional',
    ];
    expect(usedFlagNames(argv, declared)).toEqual(['dir', 'email', 'telemetry', 'yes']);
  });
  it('stops at --', () => {
    expect(usedFlagNames(['--', '--dir', 'x'], declared)).toEqual([]);
  });
  it('reads short clusters', () => {
    expect(usedFlagNames(['-yd', 'x'], declared)).toEqual(['dir', 'yes']);
  });
});
