import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cliDir, ELMO_BIN, WORKER_MAIN, webDir, workerDir, workspaceRoot } from './paths.js';

// Rebuilds what the end-to-end tests run when its sources are newer than its build, so a lone `vitest run`
// after editing sources never tests stale code. Test files are not part of any build and are left out.

const TEST_FILE = /\.test\.tsx?$/;

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return TEST_FILE.test(path) ? 0 : stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when `output` is missing or older than any of `inputs` (files or folders; test files do not count). */
export function isStale(output: string, inputs: string[]): boolean {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return inputs.some((input) => newestMtime(input) > built);
}

function build(command: string, args: string[], cwd: string, what: string): void {
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) {
    throw new Error(`building ${what} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  console.log(`built ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Compiles a TypeScript package (`tsc -p tsconfig.build.json` in `packageDir`). */
export function compileTypeScript(packageDir: string, what: string): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  build(process.execPath, [tsc, '-p', 'tsconfig.build.json'], packageDir, what);
}

/** Compiles a TypeScript package unless `output` is newer than its sources and configuration. */
function ensureCompiled(packageDir: string, output: string, what: string): void {
  const inputs = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'].map((p) => join(packageDir, p));
  if (isStale(output, inputs)) compileTypeScript(packageDir, what);
}

// The CLI and web builds bundle these workspace packages' built code, so a change to them makes them stale too.
const BUNDLED_PACKAGES = ['telemetry-core', 'elmo-telemetry', 'app-shared'].map((name) =>
  join(workspaceRoot, 'packages', name, 'dist'),
);

/**
 * Bundles the CLI (its own esbuild script) unless dist is newer than its sources and the built workspace packages
 * the bundle holds.
 */
export function ensureCliBuilt(): void {
  const inputs = ['src', 'scripts', 'package.json', 'tsconfig.json'].map((p) => join(cliDir, p));
  inputs.push(...BUNDLED_PACKAGES);
  if (isStale(ELMO_BIN, inputs)) build(process.execPath, [join(cliDir, 'scripts', 'build.mjs')], cliDir, '@elmo/cli');
}

/** Compiles the worker unless dist is newer than its sources. */
export function ensureWorkerBuilt(): void {
  ensureCompiled(workerDir, WORKER_MAIN, '@elmo/worker');
}

/** Runs `next build` unless .next is newer than the sources and the built packages it bundles. */
export function ensureWebBuilt(): void {
  const inputs = ['src', 'next.config.ts', 'package.json', 'tsconfig.json'].map((p) => join(webDir, p));
  inputs.push(...BUNDLED_PACKAGES);
  if (isStale(join(webDir, '.next', 'BUILD_ID'), inputs)) build('pnpm', ['run', 'build'], webDir, '@elmo/web');
}
