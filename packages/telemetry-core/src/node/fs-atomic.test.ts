import {
  chmodSync,
  chownSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { useTempDir } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './fs-atomic.js';

const temp = useTempDir();
const modeOf = (path: string) => statSync(path).mode & 0o7777;

describe('writeFileAtomic', () => {
  it('gives a new file the mode asked for, 0600 by default, and leaves no temp file', () => {
    const path = join(temp.path, 'new', '.env');
    writeFileAtomic(path, 'A=1\n');
    expect(readFileSync(path, 'utf8')).toBe('A=1\n');
    expect(modeOf(path)).toBe(0o600);
    expect(readdirSync(join(temp.path, 'new'))).toEqual(['.env']);
  });

  it.each([0o644, 0o640, 0o600, 0o400])('keeps the mode %o of a file it replaces', (mode) => {
    const path = join(temp.path, 'config.json');
    writeFileSync(path, '{}\n');
    chmodSync(path, mode);
    writeFileAtomic(path, '{"a":1}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n');
    expect(modeOf(path)).toBe(mode);
    writeFileAtomic(path, '{"a":2}\n', 0o644);
    expect(modeOf(path)).toBe(mode);
  });

  it.skipIf(process.getuid?.() !== 0)('as root, keeps the owner and group of a file it replaces', () => {
    const path = join(temp.path, '.env');
    writeFileSync(path, 'A=1\n');
    chmodSync(path, 0o644);
    chownSync(path, 4321, 4321);
    writeFileAtomic(path, 'A=2\n');
    const stats = statSync(path);
    expect([stats.uid, stats.gid]).toEqual([4321, 4321]);
    expect(stats.mode & 0o7777).toBe(0o644);
    expect(readFileSync(path, 'utf8')).toBe('A=2\n');
  });

  it('writes through a symlink: the target gets the content and keeps its mode, the link stays', () => {
    const target = join(temp.path, 'real', '.env');
    writeFileAtomic(target, 'A=1\n');
    chmodSync(target, 0o644);
    const link = join(temp.path, '.env');
    symlinkSync(join('real', '.env'), link);
    writeFileAtomic(link, 'A=2\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(join('real', '.env'));
    expect(readFileSync(target, 'utf8')).toBe('A=2\n');
    expect(modeOf(target)).toBe(0o644);
    expect(readdirSync(join(temp.path, 'real'))).toEqual(['.env']);
  });

  it('creates the target of a dangling symlink, with the new-file mode', () => {
    const link = join(temp.path, 'config.json');
    symlinkSync(join(temp.path, 'elsewhere.json'), link);
    writeFileAtomic(link, '{}\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(temp.path, 'elsewhere.json'), 'utf8')).toBe('{}\n');
    expect(modeOf(join(temp.path, 'elsewhere.json'))).toBe(0o600);
  });

  it('refuses a symlink loop rather than replace the link', () => {
    const link = join(temp.path, 'loop');
    symlinkSync('loop', link);
    expect(() => writeFileAtomic(link, 'x')).toThrow(/ELOOP/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });
});
