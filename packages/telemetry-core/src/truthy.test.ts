import { describe, expect, it } from 'vitest';
import { isTruthy } from './truthy.js';

describe('isTruthy', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['no', false],
    ['Off', false],
    [' off ', false],
    ['1', true],
    ['true', true],
    ['yes', true],
    ['on', true],
    ['anything', true],
  ])('%j → %s', (value, expected) => {
    expect(isTruthy(value)).toBe(expected);
  });
});
