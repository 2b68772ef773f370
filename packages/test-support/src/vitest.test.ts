import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTempDir } from './vitest.js';

describe('useTempDir', () => {
  const temp = useTempDir('elmo-use-temp-dir-');
  const seen: string[] = [];
  afterAll(() => {
    expect(
      seen.filter((path) => existsSync(path)),
      'every folder removed after its test',
    ).toEqual([]);
  });

  it('gives the test a fresh, empty folder named by the prefix', () => {
    seen.push(temp.path);
    expect(basename(temp.path)).toMatch(/^elmo-use-temp-dir-/);
    writeFileSync(join(temp.path, 'left-behind'), 'x');
  });

  it('gives the next test another folder, and removed the previous one', () => {
    seen.push(temp.path);
    expect(seen[1]).not.toBe(seen[0]);
    expect(existsSync(seen[0] as string)).toBe(false);
    expect(existsSync(join(temp.path, 'left-behind'))).toBe(false);
  });
});

describe('useTempDir while the file is collected', () => {
  const temp = useTempDir();
  // Collection runs before any beforeEach: there is no folder yet.
  expect(() => temp.path).toThrow(/only there while a test runs/);
  it('has a folder once a test runs', () => {
    expect(existsSync(temp.path)).toBe(true);
  });
});
