#!/usr/bin/env node
// The `elmo` entry point. It checks the Node.js version before anything else loads, and only then loads the CLI
// (main.ts): static imports all load before any code runs, so on an unsupported Node a dependency could fail
// first, with an error that names neither elmo nor Node. node-version.ts itself imports nothing.
import module from 'node:module';
import { unsupportedNodeMessage } from './node-version.js';
import { readProductVersion } from './product-version.js';

const unsupported = unsupportedNodeMessage(process.versions.node);
const args = process.argv.slice(2);
if (unsupported) {
  process.stderr.write(`${unsupported}\n`);
  process.exitCode = 1;
} else if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // The cheapest question gets the cheapest answer: exactly what the program's version option prints (and, as
  // there, nothing is tracked), without loading the CLI (DESIGN §5: `elmo --version` ÷ `node -e 0` ≤ 1.5).
  process.stdout.write(`${readProductVersion()}\n`);
} else {
  // Node 22.1+ keeps compiled modules on disk (in the OS temp folder), so every start after the first skips most
  // of the parsing and compiling of the CLI and its dependencies; Node 20 has no such cache and goes on without.
  // NODE_DISABLE_COMPILE_CACHE=1 turns it off, as for any Node program. Measured by `pnpm bench` (cliColdStart).
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  await import('./main.js');
}
