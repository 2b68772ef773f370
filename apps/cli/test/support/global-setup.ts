import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = fileURLToPath(new URL('../..', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(join(appDir, 'dist', 'bin.js')).mtimeMs;
  } catch {
    return 0;
  }
}

/** Builds the CLI when dist/ is missing or older than src/, so the e2e tests always run the current code. */
export default function setup(): void {
  if (builtAt() >= newestMtime(join(appDir, 'src'))) return;
  const result = spawnSync(
    process.execPath,
    [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: appDir,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`building apps/cli failed:\n${result.stdout}${result.stderr}`);
}
