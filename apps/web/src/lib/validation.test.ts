import { describe, expect, it } from 'vitest';
import {
  checkBody,
  checkBrandName,
  checkErrorCode,
  checkId,
  checkPromptText,
  checkWorkerId,
  isUuid,
} from './validation';

describe('checkBrandName', () => {
  it('trims and accepts 1–80 characters', () => {
    expect(checkBrandName('  Acme ')).toEqual({ ok: true, value: 'Acme' });
    expect(checkBrandName('a'.repeat(80))).toMatchObject({ ok: true });
  });

  it('counts an emoji as one character', () => {
    expect(checkBrandName('☕'.repeat(80))).toMatchObject({ ok: true });
    expect(checkBrandName('😀'.repeat(80))).toMatchObject({ ok: true });
  });

  it('explains what is wrong', () => {
    expect(checkBrandName('')).toEqual({ ok: false, field: 'name', message: 'Brand name is required.' });
    expect(checkBrandName(' \n ')).toMatchObject({ message: 'Brand name is required.' });
    expect(checkBrandName('a'.repeat(81))).toMatchObject({
      message: 'Brand name must be at most 80 characters (it has 81).',
    });
    expect(checkBrandName(7)).toMatchObject({ message: 'Brand name must be a string.' });
    expect(checkBrandName(null)).toMatchObject({ ok: false });
  });
});

describe('checkPromptText', () => {
  it('accepts 1–2000 characters and keeps inner line breaks', () => {
    expect(checkPromptText(' line one\nline two ')).toEqual({ ok: true, value: 'line one\nline two' });
    expect(checkPromptText('x'.repeat(2000))).toMatchObject({ ok: true });
    expect(checkPromptText('x'.repeat(2001))).toEqual({
      ok: false,
      field: 'text',
      message: 'Prompt text must be at most 2000 characters (it has 2001).',
    });
  });
});

describe('checkBody', () => {
  it('needs a JSON object carrying the field', () => {
    expect(checkBody({ name: 'A' }, 'name', checkBrandName)).toEqual({ ok: true, value: 'A' });
    expect(checkBody(null, 'name', checkBrandName)).toMatchObject({ ok: false, field: 'name' });
    expect(checkBody(['A'], 'name', checkBrandName)).toMatchObject({ ok: false });
    expect(checkBody({}, 'name', checkBrandName)).toMatchObject({ message: '"name" is required.' });
  });
});

describe('ids and codes', () => {
  it('recognises UUIDs only', () => {
    expect(isUuid('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe(true);
    expect(isUuid('0f8fad5b-d9cb-469f-a165-70867728950')).toBe(false);
    expect(isUuid("x' or 1=1")).toBe(false);
    expect(checkId('0F8FAD5B-D9CB-469F-A165-70867728950E', 'brandId')).toEqual({
      ok: true,
      value: '0f8fad5b-d9cb-469f-a165-70867728950e',
    });
  });

  it('accepts stable error codes and worker ids, nothing free-form', () => {
    expect(checkErrorCode('report_failed')).toMatchObject({ ok: true });
    expect(checkErrorCode('Error: something broke')).toMatchObject({ ok: false });
    expect(checkWorkerId('worker-123-ab12cd34')).toMatchObject({ ok: true });
    expect(checkWorkerId('has space')).toMatchObject({ ok: false });
  });
});
