import { describe, expect, it } from 'vitest';
import { describeError } from './describe-error.js';

describe('describeError', () => {
  it('gives the first line, with a cause that adds something', () => {
    expect(describeError(new Error('connect ECONNREFUSED'))).toBe('connect ECONNREFUSED');
    expect(describeError(new Error('query failed\nselect 1', { cause: new Error('relation missing') }))).toBe(
      'query failed: relation missing',
    );
    expect(describeError(new Error('fetch failed: down', { cause: new Error('down') }))).toBe('fetch failed: down');
    expect(describeError('plain')).toBe('plain');
  });
});
