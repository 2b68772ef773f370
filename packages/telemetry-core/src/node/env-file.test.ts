import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { useTempDir } from '@elmo/test-support/vitest';
import { beforeEach, describe, expect, it } from 'vitest';
import { changeEnvFile, EnvValueError, editEnvText, readEnvFile, updateEnvFile } from './env-file.js';
import { FileStateError } from './json-file.js';
import { createLiveReader } from './live-file.js';

const temp = useTempDir();

const SAMPLE = `# Elmo deployment
DEPLOYMENT_ID=3f2504e0-4f89-41d3-9a0c-0305e82c3301

# database
DATABASE_URL="postgres://u:p@127.0.0.1/db" # inline comment
export OTHER='quoted value'
`;

describe('editEnvText', () => {
  it('adds a key at the end, keeping every other line and comment', () => {
    expect(editEnvText(SAMPLE, { DISABLE_TELEMETRY: '1' })).toBe(`${SAMPLE}DISABLE_TELEMETRY=1\n`);
  });

  it('replaces a key in place and removes its duplicates', () => {
    const text = 'A=1\nDISABLE_TELEMETRY=0\nB=2\nDISABLE_TELEMETRY=0\n';
    expect(editEnvText(text, { DISABLE_TELEMETRY: '1' })).toBe('A=1\nDISABLE_TELEMETRY=1\nB=2\n');
  });

  it('removes a key with null', () => {
    expect(editEnvText(`${SAMPLE}DISABLE_TELEMETRY=1\n`, { DISABLE_TELEMETRY: null })).toBe(SAMPLE);
  });

  it('keeps CRLF line ends', () => {
    expect(editEnvText('A=1\r\n# c\r\n', { B: '2' })).toBe('A=1\r\n# c\r\nB=2\r\n');
  });

  it('adds a final newline only where one is needed', () => {
    expect(editEnvText('A=1', { B: '2' })).toBe('A=1\nB=2\n');
    expect(editEnvText('', { B: '2' })).toBe('B=2\n');
  });

  it('quotes values that need it, so that dotenv reads them back unchanged', () => {
    expect(editEnvText('', { URL: 'postgres://a b@h/db' })).toBe('URL="postgres://a b@h/db"\n');
    expect(editEnvText('', { P: 'a\\b"c' })).toBe("P='a\\b\"c'\n");
  });

  it('refuses an invalid key', () => {
    expect(() => editEnvText('', { 'A=B': '1' })).toThrow();
  });
});

describe('.env files', () => {
  it('reads values with dotenv’s parser, including quotes, export and CRLF', () => {
    const path = join(temp.path, '.env');
    writeFileSync(path, SAMPLE.replaceAll('\n', '\r\n'));
    const state = readEnvFile(path);
    expect(state.status).toBe('ok');
    if (state.status !== 'ok') return;
    expect(state.values).toMatchObject({
      DEPLOYMENT_ID: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      DATABASE_URL: 'postgres://u:p@127.0.0.1/db',
      OTHER: 'quoted value',
    });
  });

  it('updates a file keeping comments and order', () => {
    const path = join(temp.path, '.env');
    writeFileSync(path, SAMPLE);
    updateEnvFile(path, { DISABLE_TELEMETRY: '1' });
    updateEnvFile(path, { DISABLE_TELEMETRY: null });
    expect(readFileSync(path, 'utf8')).toBe(SAMPLE);
  });

  it('refuses to rewrite a binary or oversized file', () => {
    const path = join(temp.path, '.env');
    writeFileSync(path, Buffer.from([0x41, 0x3d, 0x00, 0x01]));
    expect(readEnvFile(path).status).toBe('corrupt');
    expect(() => updateEnvFile(path, { DISABLE_TELEMETRY: '1' })).toThrow(FileStateError);
    writeFileSync(path, 'A='.padEnd(1024 * 1024 + 10, 'x'));
    expect(readEnvFile(path).status).toBe('corrupt');
  });
});

describe('live reading', () => {
  it('serves a cached value within its interval, and the new one after invalidate()', () => {
    const path = join(temp.path, '.env');
    writeFileSync(path, 'A=1\n');
    const read = createLiveReader(path, readEnvFile, 60_000);
    expect(read()).toMatchObject({ values: { A: '1' } });
    updateEnvFile(path, { A: '2' });
    expect(read()).toMatchObject({ values: { A: '1' } });
    read.invalidate();
    expect(read()).toMatchObject({ values: { A: '2' } });
  });
});

describe('changeEnvFile', () => {
  let path: string;
  beforeEach(() => {
    path = join(temp.path, 'deploy', '.env');
  });

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

  it('removes a `KEY: value` line, so the change it reports is the file it leaves', () => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, '# mine\nDISABLE_TELEMETRY: 1\nexport DISABLE_TELEMETRY = 1\n');
    expect(updateEnvFile(path, { DISABLE_TELEMETRY: null }).changed).toEqual(['DISABLE_TELEMETRY']);
    expect(readFileSync(path, 'utf8')).toBe('# mine\n');
  });

  it('refuses a value dotenv could not read back, leaving the file as it was', () => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, 'A=1\n');
    expect(() => updateEnvFile(path, { B: 'it\'s "a" `b` # c\n' })).toThrow(EnvValueError);
    expect(readFileSync(path, 'utf8')).toBe('A=1\n');
    updateEnvFile(path, { B: 'C:\\path\\"x" # y' });
    expect(readEnvFile(path)).toMatchObject({ values: { A: '1', B: 'C:\\path\\"x" # y' } });
  });

  it('refuses to replace a corrupt file', () => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.from([0x41, 0x00]));
    expect(() => changeEnvFile(path, () => ({ A: '1' }))).toThrow(FileStateError);
    expect(readFileSync(path)).toEqual(Buffer.from([0x41, 0x00]));
  });
});
