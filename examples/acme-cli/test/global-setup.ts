import { fileURLToPath } from 'node:url';
import { compileTypeScript } from '@elmo/test-support';

/** Builds acme before the tests spawn it (a second or two), so they never run a stale dist/. */
export default function setup(): void {
  compileTypeScript(fileURLToPath(new URL('..', import.meta.url)), 'examples/acme-cli');
}
