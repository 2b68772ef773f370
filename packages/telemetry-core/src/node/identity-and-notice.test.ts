import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@elmo/test-support/vitest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConsentDecision } from '../consent.js';
import { isNoticeDue, recordNoticeShown } from './first-run-notice.js';
import { ensureInstallId, maskId, readInstallId, removeInstallId, replaceInstallId } from './install-id.js';
import { readJsonFile } from './json-file.js';

const temp = useTempDir();
let configFile: string;
beforeEach(() => {
  configFile = join(temp.path, 'app', 'config.json');
});

const ids = (...values: string[]) => {
  const queue = [...values];
  return () => queue.shift() ?? 'no more ids';
};
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

describe('install id under a key the product names', () => {
  it('is created once, kept, replaced and removed, leaving every other key alone', () => {
    expect(readInstallId(configFile, 'anonymousId')).toBeUndefined();
    expect(ensureInstallId(configFile, 'anonymousId', ids(A, B))).toBe(A);
    expect(ensureInstallId(configFile, 'anonymousId', ids(B))).toBe(A);
    expect(replaceInstallId(configFile, 'anonymousId', ids(B))).toBe(B);
    expect(readInstallId(configFile, 'anonymousId')).toBe(B);
    expect(removeInstallId(configFile, 'anonymousId')).toBe(true);
    expect(removeInstallId(configFile, 'anonymousId')).toBe(false);
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({});
    expect(maskId(A)).toBe('11111111…');
  });

  it('replaces a value that is not a UUID instead of sending it', () => {
    writeFileSync(join(temp.path, 'config.json'), JSON.stringify({ id: 'me@example.com', theme: 'dark' }));
    const file = join(temp.path, 'config.json');
    expect(readInstallId(file, 'id')).toBeUndefined();
    expect(ensureInstallId(file, 'id', ids(A))).toBe(A);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ id: A, theme: 'dark' });
  });
});

describe('first-run notice version', () => {
  const on: ConsentDecision = { enabled: true, mode: 'on', source: 'default', reason: 'on by default', lockedBy: null };
  const off: ConsentDecision = {
    enabled: false,
    mode: 'off',
    source: 'user-config',
    reason: 'disabled',
    lockedBy: null,
  };
  const notice = { key: 'noticeSeen', consentVersion: 2 };

  it('is due once per consent version, only while telemetry is on and the config is usable', () => {
    expect(isNoticeDue(readJsonFile(configFile), on, notice)).toBe(true);
    expect(isNoticeDue(readJsonFile(configFile), off, notice)).toBe(false);
    recordNoticeShown(configFile, notice);
    expect(isNoticeDue(readJsonFile(configFile), on, notice)).toBe(false);
    expect(isNoticeDue(readJsonFile(configFile), on, { ...notice, consentVersion: 3 })).toBe(true);
    writeFileSync(configFile, '{ not json');
    expect(isNoticeDue(readJsonFile(configFile), on, notice)).toBe(false);
  });

  it('never lowers a version already recorded', () => {
    recordNoticeShown(configFile, { ...notice, consentVersion: 5 });
    recordNoticeShown(configFile, notice);
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({ noticeSeen: 5 });
  });
});
