import { describe, expect, it } from 'vitest';
import { callWithRetries } from './call-with-retries.js';
import { classifyStatus, parseRetryAfter } from './provider-error.js';

describe('classifyStatus', () => {
  it.each([
    [401, 'auth', false],
    [403, 'auth', false],
    [400, 'other', false],
    [404, 'other', false],
    [408, 'timeout', true],
    [429, 'rate_limited', true],
    [500, 'server', true],
    [529, 'server', true],
  ] as const)('%i is %s, retryable: %s', (status, kind, retryable) => {
    expect(classifyStatus(status)).toMatchObject({ kind, status, retryable });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores the rest', () => {
    const now = Date.parse('2025-06-30T12:00:00.000Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Mon, 30 Jun 2025 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Mon, 30 Jun 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});

describe('callWithRetries', () => {
  it('passes on an error of our own code instead of calling it a provider failure', async () => {
    const buggy = {
      provider: 'offline' as const,
      ask: async () => {
        throw new TypeError('a bug of ours');
      },
    };
    await expect(
      callWithRetries(buggy, { brand: 'A', prompt: 'p' }, new AbortController().signal, { retries: 2 }),
    ).rejects.toThrow('a bug of ours');
  });
});
