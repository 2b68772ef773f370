// `npm test`: sets up a fresh machine (pnpm, dependencies, Chromium, PostgreSQL), builds, then runs every
// test suite of the workspace in one Vitest run that ends with the line `N passed, N failed`.

import { installAndBuild, run } from './bootstrap.mjs';
import { ensureSystemDeps } from './system-deps.mjs';

ensureSystemDeps();
installAndBuild();
const args = process.argv.slice(2);
process.exit(run('pnpm', ['exec', 'vitest', 'run', ...args]));
