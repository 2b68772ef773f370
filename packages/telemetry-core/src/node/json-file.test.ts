import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';
import { FileStateError, readJsonFile, updateJsonFile } from './json-file.js';

const temp = useTempDir();

describe('JSON config files', () => {
  it('reports a missing file and creates it on update', () => {
    const path = join(temp.path, 'nested', 'config.json');
    expect(readJsonFile(path)).toEqual({ status: 'missing' });
    updateJsonFile(path, (data) => ({ ...data, installId: 'x' }));
    expect(readJsonFile(path)).toEqual({ status: 'ok', data: { installId: 'x' } });
  });

  it('keeps unknown keys when changing one', () => {
    const path = join(temp.path, 'config.json');
    writeFileSync(path, JSON.stringify({ theme: 'dark', nested: { a: [1, 2] }, telemetryDisabled: false }));
    updateJsonFile(path, (data) => ({ ...data, telemetryDisabled: true }));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      theme: 'dark',
      nested: { a: [1, 2] },
      telemetryDisabled: true,
    });
  });

  it.each([
    ['truncated', '{"installId": "ab'],
    ['an array', '[1,2]'],
    ['binary', Buffer.from([0xff, 0xfe, 0x00, 0x01])],
    ['a string', '"hello"'],
  ])('reports a corrupt file (%s) and never overwrites it', (_label, content) => {
    const path = join(temp.path, 'config.json');
    writeFileSync(path, content);
    const before = readFileSync(path);
    expect(readJsonFile(path).status).toBe('corrupt');
    expect(() => updateJsonFile(path, (data) => ({ ...data, x: 1 }))).toThrow(FileStateError);
    expect(readFileSync(path)).toEqual(before);
  });

  it('reports an unreadable file', () => {
    expect(readJsonFile(temp.path).status).toBe('unreadable');
  });
});
