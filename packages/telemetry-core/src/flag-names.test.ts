import { describe, expect, it } from 'vitest';
import { usedFlagNames } from './flag-names.js';

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
