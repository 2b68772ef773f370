import { describe, expect, it } from 'vitest';
import { type ClaimedJob, parseClaimedJob, parseReportResult, type ReportResult } from './report-contract.js';

const valid: ReportResult = {
  version: 1,
  generatedAt: '2025-06-30T12:00:00.000Z',
  brand: { id: 'b1', name: 'Acme' },
  totals: { prompts: 1, createdLast7Days: 1, createdLast30Days: 1, editedLast7Days: 0, editedLast30Days: 0 },
  prompts: [{ id: 'p1', text: 'hi', createdAt: '2025-06-29T12:00:00.000Z', lastEditedAt: null }],
};

describe('parseReportResult', () => {
  it('accepts a version 1 report', () => {
    expect(parseReportResult(structuredClone(valid))).toEqual(valid);
  });

  it.each([
    ['another version', { ...valid, version: 2 }],
    ['a negative count', { ...valid, totals: { ...valid.totals, prompts: -1 } }],
    ['a fractional count', { ...valid, totals: { ...valid.totals, editedLast7Days: 0.5 } }],
    ['a missing count', { ...valid, totals: { prompts: 1 } }],
    ['a bad date', { ...valid, generatedAt: 'yesterday' }],
    ['a prompt without text', { ...valid, prompts: [{ id: 'p1', createdAt: valid.generatedAt, lastEditedAt: null }] }],
    ['no brand', { ...valid, brand: null }],
    ['a string', 'report'],
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
