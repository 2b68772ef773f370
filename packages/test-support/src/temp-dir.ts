import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under the OS temp folder. */
export interface TempDir {
  path: string;
  /** Deletes the folder and everything in it. */
  remove(): void;
}

/** Creates a fresh folder under the OS temp folder, named `<prefix>XXXXXX`. */
export function createTempDir(prefix = 'elmo-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
