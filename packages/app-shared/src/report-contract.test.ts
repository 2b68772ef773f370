import { describe, expect, it } from 'vitest';
import {
  type ClaimedJob,
  type ProviderReport,
  parseClaimedJob,
  parseReportResult,
  type ReportResult,
} from './report-contract.js';

const provider: ProviderReport = {
  provider: 'openai',
  answered: 1,
  mentioned: 1,
  failed: 1,
  calls: 4,
  errors: { timeout: 0, rate_limited: 2, auth: 0, server: 1, other: 0 },
  answers: [
    { promptId: 'p1', mentioned: true, position: 2, error: null },
    { promptId: 'p2', mentioned: false, position: null, error: { kind: 'rate_limited', status: 429 } },
  ],
};

const valid: ReportResult = {
  version: 2,
  generatedAt: '2025-06-30T12:00:00.000Z',
  brand: { id: 'b1', name: 'Acme' },
  totals: { prompts: 1, createdLast7Days: 1, createdLast30Days: 1, editedLast7Days: 0, editedLast30Days: 0 },
  prompts: [{ id: 'p1', text: 'hi', createdAt: '2025-06-29T12:00:00.000Z', lastEditedAt: null }],
  providers: [provider, { ...provider, provider: 'offline', failed: 0, calls: 1, answers: [] }],
};

const answer = provider.answers[1];
const withProvider = (changes: Record<string, unknown>) => ({ ...valid, providers: [{ ...provider, ...changes }] });
const withAnswer = (changes: Record<string, unknown>) => withProvider({ answers: [{ ...answer, ...changes }] });

describe('parseReportResult', () => {
  it('accepts a version 2 report with its providers', () => {
    expect(parseReportResult(structuredClone(valid))).toEqual(valid);
    expect(parseReportResult({ ...valid, providers: [] })).not.toBeNull();
    expect(parseReportResult(withAnswer({ error: { kind: 'timeout', status: null } }))).not.toBeNull();
  });

  it.each([
    ['version 1 (never produced any more)', { ...valid, version: 1 }],
    ['another version', { ...valid, version: 3 }],
    ['no providers', { ...valid, providers: undefined }],
    ['a negative count', { ...valid, totals: { ...valid.totals, prompts: -1 } }],
    ['a fractional count', { ...valid, totals: { ...valid.totals, editedLast7Days: 0.5 } }],
    ['a missing count', { ...valid, totals: { prompts: 1 } }],
    ['a bad date', { ...valid, generatedAt: 'yesterday' }],
    ['a prompt without text', { ...valid, prompts: [{ id: 'p1', createdAt: valid.generatedAt, lastEditedAt: null }] }],
    ['no brand', { ...valid, brand: null }],
    ['a string', 'report'],
    ['an unknown provider', withProvider({ provider: 'gemini' })],
    ['a provider that is not a string', withProvider({ provider: 1 })],
    ['a negative answered count', withProvider({ answered: -1 })],
    ['a negative call count', withProvider({ calls: -3 })],
    ['a fractional failed count', withProvider({ failed: 1.5 })],
    ['a negative error count', withProvider({ errors: { ...provider.errors, server: -1 } })],
    ['a missing error kind count', withProvider({ errors: { timeout: 0, rate_limited: 0, auth: 0, server: 0 } })],
    ['answers that are not a list', withProvider({ answers: {} })],
    ['a bad error kind', withAnswer({ error: { kind: 'quota', status: 429 } })],
    ['an error with a message instead of a kind', withAnswer({ error: { message: 'bad key sk-…' } })],
    ['an error status out of range', withAnswer({ error: { kind: 'server', status: 700 } })],
    ['a position of 0', withAnswer({ mentioned: true, position: 0, error: null })],
    ['a mention that is not a boolean', withAnswer({ mentioned: 'yes' })],
    ['an answer without its prompt id', withAnswer({ promptId: undefined })],
  ])('rejects %s', (_what, value) => {
    expect(parseReportResult(value)).toBeNull();
  });
});

const job: ClaimedJob = {
  id: 'j1',
  attempts: 1,
  maxAttempts: 3,
  brand: { id: 'b1', name: 'Acme' },
  prompts: [{ id: 'p1', text: 'hi', createdAt: '2025-06-29T12:00:00.000Z', editedAt: null }],
};

describe('parseClaimedJob', () => {
  it('accepts a job with its inventory', () => {
    expect(parseClaimedJob(structuredClone(job))).toEqual(job);
  });

  it.each([
    ['no attempts', { ...job, attempts: undefined }],
    ['no brand name', { ...job, brand: { id: 'b1' } }],
    ['a prompt without text', { ...job, prompts: [{ id: 'p1', createdAt: 'x', editedAt: null }] }],
    ['prompts that are not a list', { ...job, prompts: {} }],
    ['null', null],
  ])('rejects %s', (_what, value) => {
    expect(parseClaimedJob(value)).toBeNull();
  });
});
