import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';

describe('createRandom', () => {
  it('gives the same numbers for the same seed, and other numbers for another seed', () => {
    const take = (seed: number) => {
      const next = createRandom(seed);
      return Array.from({ length: 5 }, () => next());
    };
    expect(take(42)).toEqual(take(42));
    expect(take(43)).not.toEqual(take(42));
  });

  it('is mulberry32: its first numbers for seed 1 are fixed, so a seed replays on every machine', () => {
    const next = createRandom(1);
    expect([next(), next(), next()].map((n) => n.toFixed(10))).toEqual([
      '0.6270739406',
      '0.0027357212',
      '0.5274470400',
    ]);
  });

  it('stays in [0, 1)', () => {
    const next = createRandom(0xdeadbeef);
    for (let i = 0; i < 10_000; i += 1) {
      const n = next();
      expect(n >= 0 && n < 1).toBe(true);
    }
  });
});
