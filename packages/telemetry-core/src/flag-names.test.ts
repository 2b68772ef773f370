import { createRandom } from '@elmo/test-support';
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
  it('takes a token as short flags exactly when it is a hyphen and ASCII letters (generated tokens)', () => {
    // The definition the hand-written check in flag-names.ts must agree with.
    const SHORT_GROUP = /^-[A-Za-z]+$/;
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const everyLetter = [...letters].map((letter) => ({ long: `option-${letter}`, short: letter }));
    const alphabet = `${letters}-0189_@[\`{ é=.`;
    const random = createRandom(7);
    let groups = 0;
    for (let i = 0; i < 5000; i += 1) {
      const length = 1 + Math.floor(random() * 5);
      let token = random() < 0.8 ? '-' : '';
      while (token.length < length) token += alphabet[Math.floor(random() * alphabet.length)];
      if (token.startsWith('--')) continue;
      const expected = SHORT_GROUP.test(token) ? [...new Set(token.slice(1))].map((l) => `option-${l}`).sort() : [];
      if (expected.length > 0) groups += 1;
      expect(usedFlagNames([token], everyLetter), JSON.stringify(token)).toEqual(expected);
    }
    expect(groups).toBeGreaterThan(500);
  });
});
