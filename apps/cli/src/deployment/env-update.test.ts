import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FileStateError } from '@elmo/telemetry-core/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDeps, type TestDeps } from '../testing/test-deps.js';
import { changeEnvFile } from './env-update.js';

describe('changeEnvFile', () => {
  let deps: TestDeps;
  let path: string;
  beforeEach(() => {
    deps = createTestDeps();
    path = join(deps.root, 'deploy', '.env');
  });
  afterEach(() => deps.cleanup());

  it('creates a missing file with its header and reports what changed', () => {
    const change = changeEnvFile(path, () => ({ A: '1', B: null }), { header: '# hello\n' });
    expect(change).toEqual({ created: true, before: {}, changed: ['A'] });
    expect(readFileSync(path, 'utf8')).toBe('# hello\nA=1\n');
  });

  it('decides from the values inside the lock and keeps every other line and comment', () => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '# top\nKEEP=yes # note\n\nID=abc\nDROP=1\n');
    const change = changeEnvFile(path, (values) => ({ ID: values.ID ? values.ID : 'new', DROP: null, ADD: 'a b' }));
    expect(change.changed.sort()).toEqual(['ADD', 'DROP']);
    expect(readFileSync(path, 'utf8')).toBe('# top\nKEEP=yes # note\n\nID=abc\nADD="a b"\n');
  });

  it('refuses to replace a corrupt file', () => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.from([0x41, 0x00]));
    expect(() => changeEnvFile(path, () => ({ A: '1' }))).toThrow(FileStateError);
    expect(readFileSync(path)).toEqual(Buffer.from([0x41, 0x00]));
  });
});
