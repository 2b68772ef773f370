import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedDatabase } from './database-template.js';
import { useTempDir } from './vitest.js';

describe('seedDatabase', () => {
  const temp = useTempDir('elmo-seed-database-');

  it('gives a data folder a PGlite database, and leaves one that has a database alone', () => {
    const data = join(temp.path, 'data');
    seedDatabase(data);
    const pglite = join(data, 'pglite');
    // A PostgreSQL data directory, as PGlite writes it.
    expect(readFileSync(join(pglite, 'PG_VERSION'), 'utf8').trim()).toMatch(/^\d+$/);
    const marker = join(pglite, 'kept-by-the-test');
    writeFileSync(marker, 'x');
    seedDatabase(data);
    expect(existsSync(marker)).toBe(true);
  }, 120_000);

  it('never throws for a data folder that cannot take one (a test that breaks it on purpose)', () => {
    const data = join(temp.path, 'data');
    writeFileSync(data, 'a file where the folder should be');
    expect(() => seedDatabase(data)).not.toThrow();
    expect(readFileSync(data, 'utf8')).toBe('a file where the folder should be');
    expect(readdirSync(temp.path)).toEqual(['data']);
  });
});
