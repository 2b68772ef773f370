import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where the web app and the worker are installed, and how each is started. */
export interface Components {
  /** `dev`: `next dev` (development mode, `elmo start --dev`) instead of `next start`. */
  web: { cwd: string; command: string; args: (port: number, dev?: boolean) => string[] };
  worker: { cwd: string; command: string; args: string[] };
}

/**
 * Finds the installed web app and worker beside the CLI. The web app runs `next start` (or `next dev`) in its own
 * folder (migrations are read from there); the worker runs its built entry point.
 */
export function locateComponents(): Components {
  const require = createRequire(import.meta.url);
  const webDir = dirname(require.resolve('@elmo/web/package.json'));
  const workerDir = dirname(require.resolve('@elmo/worker/package.json'));
  const nextBin = require.resolve('next/dist/bin/next', { paths: [webDir] });
  return {
    web: {
      cwd: webDir,
      command: process.execPath,
      args: (port, dev = false) => [nextBin, dev ? 'dev' : 'start', '-H', '127.0.0.1', '-p', String(port)],
    },
    worker: { cwd: workerDir, command: process.execPath, args: [join(workerDir, 'dist', 'main.js')] },
  };
}
