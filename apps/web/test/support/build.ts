import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** apps/web. */
export const webDir = join(import.meta.dirname, '..', '..');
/** apps/worker. */
export const workerDir = join(webDir, '..', 'worker');

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when `output` is missing or older than any of `inputs` (files or folders). */
export function isStale(output: string, inputs: string[]): boolean {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return inputs.some((input) => newestMtime(input) > built);
}

function runBuild(cwd: string, what: string): void {
  const started = Date.now();
  const result = spawnSync('pnpm', ['run', 'build'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) {
    throw new Error(`building ${what} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  console.log(`built ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Runs `next build` unless .next is newer than the sources. */
export function ensureWebBuilt(): void {
  const inputs = ['src', 'next.config.ts', 'package.json', 'tsconfig.json'].map((p) => join(webDir, p));
  if (isStale(join(webDir, '.next', 'BUILD_ID'), inputs)) runBuild(webDir, '@elmo/web');
}

/** Compiles the worker unless dist is newer than its sources. */
export function ensureWorkerBuilt(): void {
  const inputs = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'].map((p) => join(workerDir, p));
  if (isStale(join(workerDir, 'dist', 'main.js'), inputs)) runBuild(workerDir, '@elmo/worker');
}
