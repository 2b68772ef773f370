import type { ProviderAnswer, ProviderReport } from '@elmo/app-shared';
import { describe, expect, it } from 'vitest';
import { answerLabel, callsLabel, errorClassLabel, failedKinds, failureLabel, providerLabel } from './provider-text';

const noErrors = { timeout: 0, rate_limited: 0, auth: 0, server: 0, other: 0 };
const ok = (promptId: string, position: number | null = null): ProviderAnswer => ({
  promptId,
  mentioned: position !== null,
  position,
  error: null,
});
const failed = (promptId: string, kind: ProviderAnswer['error'] & object): ProviderAnswer => ({
  promptId,
  mentioned: false,
  position: null,
  error: kind,
});

function report(answers: ProviderAnswer[], errors: Partial<ProviderReport['errors']>, calls: number): ProviderReport {
  return {
    provider: 'openai_compatible',
    answered: answers.filter((a) => !a.error).length,
    mentioned: answers.filter((a) => a.mentioned).length,
    failed: answers.filter((a) => a.error).length,
    calls,
    errors: { ...noErrors, ...errors },
    answers,
  };
}

describe('provider text', () => {
  it('names every provider for people', () => {
    expect(['offline', 'openai', 'anthropic', 'openai_compatible'].map((p) => providerLabel(p as never))).toEqual([
      'Offline',
      'OpenAI',
      'Anthropic',
      'OpenAI-compatible',
    ]);
  });

  it('says what became of one prompt', () => {
    expect(answerLabel(ok('p', 2))).toBe('Mentioned, line 2');
    expect(answerLabel(ok('p'))).toBe('Not mentioned');
    expect(answerLabel(failed('p', { kind: 'server', status: 500 }))).toBe('Failed: server error (HTTP 500)');
    expect(answerLabel(failed('p', { kind: 'timeout', status: null }))).toBe('Failed: timeout');
    expect(failureLabel({ kind: 'rate_limited', status: 429 })).toBe('rate-limited call (HTTP 429)');
  });

  it('counts failed calls by class: all retried, some retried, none retried', () => {
    // Three 500s, each retried successfully: no answer knows the status, so the class's range is shown.
    const recovered = report([ok('a', 2), ok('b'), ok('c'), ok('d')], { server: 3 }, 7);
    expect(errorClassLabel(recovered, 'server')).toBe('3 server errors (HTTP 5xx), retried');
    expect(callsLabel(recovered)).toBe('7 calls, 3 failed');

    // One prompt ran out of retries on a 500; the other error before it was retried.
    const exhausted = report([ok('a'), failed('b', { kind: 'server', status: 500 })], { server: 3 }, 4);
    expect(errorClassLabel(exhausted, 'server')).toBe(
      '3 server errors (HTTP 500): 2 retried, 1 prompt left without an answer',
    );

    const refused = report(
      [failed('a', { kind: 'auth', status: 401 }), failed('b', { kind: 'auth', status: 401 })],
      { auth: 2 },
      2,
    );
    expect(errorClassLabel(refused, 'auth')).toBe(
      '2 authentication errors (HTTP 401), not retried: 2 prompts left without an answer',
    );
    expect(errorClassLabel(report([ok('a')], { timeout: 1 }, 2), 'timeout')).toBe('1 timeout, retried');
  });

  it('lists only the classes that failed, in the catalog order', () => {
    const mixed = report([ok('a')], { other: 1, timeout: 2 }, 4);
    expect(failedKinds(mixed)).toEqual(['timeout', 'other']);
    expect(callsLabel(report([ok('a')], {}, 1))).toBe('1 call, none failed');
  });
});
