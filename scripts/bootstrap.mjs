// Shared set-up for `npm start` and `npm test` on a fresh machine that has only Node and npm:
// the pinned pnpm, the workspace's dependencies and a build. Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

/** Everyone's opt-out, set for every tool these scripts start: this is a telemetry project. */
export const quietEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  TURBO_TELEMETRY_DISABLED: '1',
};

/** Runs a command in the repository root, inheriting the terminal; returns its exit code. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: quietEnv, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function pnpmVersion() {
  const result = spawnSync('pnpm', ['--version'], { encoding: 'utf8', env: quietEnv });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** Makes sure the pinned pnpm is on PATH (corepack is unreliable here, so npm installs it). */
export function ensurePnpm() {
  if (pnpmVersion() === pinned) return;
  console.log(`› installing pnpm ${pinned}`);
  if (run('npm', ['install', '--global', `pnpm@${pinned}`]) !== 0 || pnpmVersion() !== pinned) {
    console.error(`Could not install pnpm ${pinned}. Install it yourself: npm install --global pnpm@${pinned}`);
    process.exit(1);
  }
}

/** Installs dependencies from the lockfile and builds every package. */
export function installAndBuild() {
  ensurePnpm();
  console.log('› installing dependencies');
  if (run('pnpm', ['install', '--frozen-lockfile']) !== 0) process.exit(1);
  console.log('› building');
  if (run('pnpm', ['run', 'build']) !== 0) process.exit(1);
}
