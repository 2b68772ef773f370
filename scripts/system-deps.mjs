// Installs the system programs the tests need (Debian's chromium, postgresql, and tmux for terminal tests)
// when they are missing and we may install them; otherwise says what is missing and carries on, and the
// tests that need them report it plainly.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { quietEnv } from './bootstrap.mjs';

const hasChromium = () => existsSync('/usr/bin/chromium');
const hasTmux = () => existsSync('/usr/bin/tmux');
const hasPostgres = () =>
  existsSync('/usr/lib/postgresql') &&
  readdirSync('/usr/lib/postgresql').some((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));

/** Installs chromium and postgresql with apt-get when absent and running as root. */
export function ensureSystemDeps() {
  const missing = [];
  if (!hasChromium()) missing.push('chromium');
  if (!hasPostgres()) missing.push('postgresql');
  if (!hasTmux()) missing.push('tmux');
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.warn(`! missing system packages: ${missing.join(', ')} (install them with your package manager)`);
    return;
  }
  console.log(`› installing system packages: ${missing.join(', ')}`);
  const env = { ...quietEnv, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const result = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env,
  });
  if (result.status !== 0) console.warn(`! apt-get could not install ${missing.join(', ')}`);
}
