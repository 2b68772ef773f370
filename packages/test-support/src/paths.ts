import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Where the workspace's built programs are, found from this package's own folder (never from process.cwd()).
// The apps are not dependencies of this package (their tests depend on it), so they are found by their place in
// the workspace, and each is checked by its package name.

/** packages/test-support (the same from src/ and from dist/). */
const packageDir = fileURLToPath(new URL('..', import.meta.url));

function findWorkspaceRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`@elmo/test-support: no pnpm-workspace.yaml above ${from}`);
  }
}

/** The monorepo's root folder. */
export const workspaceRoot = findWorkspaceRoot(packageDir);

function workspacePackage(path: string, name: string): string {
  const dir = join(workspaceRoot, path);
  const manifest = join(dir, 'package.json');
  const found = existsSync(manifest)
    ? (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name
    : undefined;
  if (found !== name) throw new Error(`@elmo/test-support: expected ${name} in ${dir}, found ${found ?? 'nothing'}`);
  return dir;
}

/** apps/cli. */
export const cliDir = workspacePackage('apps/cli', '@elmo/cli');
/** apps/web. */
export const webDir = workspacePackage('apps/web', '@elmo/web');
/** apps/worker. */
export const workerDir = workspacePackage('apps/worker', '@elmo/worker');

/** The built CLI the end-to-end tests and benchmarks run (build first: `pnpm --filter @elmo/cli build`). */
export const ELMO_BIN = join(cliDir, 'dist', 'bin.js');
/** The built worker's entry. */
export const WORKER_MAIN = join(workerDir, 'dist', 'main.js');
/** Next's own bin, run by node directly so that the PID a test holds is the server's. */
export const NEXT_BIN = join(webDir, 'node_modules', 'next', 'dist', 'bin', 'next');
