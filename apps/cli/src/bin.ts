#!/usr/bin/env node
// The `elmo` entry point. It checks the Node.js version before anything else loads, and only then loads the CLI
// (main.ts): static imports all load before any code runs, so on an unsupported Node a dependency could fail
// first, with an error that names neither elmo nor Node. node-version.ts and closed-pipe.ts import nothing,
// code-cache.ts only Node's own modules.
import module from 'node:module';
import { fileURLToPath } from 'node:url';
import { guardClosedPipe } from './closed-pipe.js';
import { runWithCodeCache } from './code-cache.js';
import { unsupportedNodeMessage } from './node-version.js';
import { readProductVersion } from './product-version.js';

const unsupported = unsupportedNodeMessage(process.versions.node);
const args = process.argv.slice(2);
if (unsupported) {
  guardClosedPipe(process.stderr).write(`${unsupported}\n`);
  process.exitCode = 1;
} else if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // The cheapest question gets the cheapest answer: exactly what the program's version option prints (and, as
  // there, nothing is tracked), without loading the CLI (DESIGN §5: `elmo --version` ÷ `node -e 0` ≤ 1.5).
  guardClosedPipe(process.stdout).write(`${readProductVersion()}\n`);
} else {
  // The CLI proper is one CommonJS bundle beside this file (scripts/build.mjs), loaded with require(): no ES module
  // loader to start. Node 22.1+ keeps compiled modules on disk (in the OS temp folder), so every start after the
  // first skips most of the parsing and compiling; NODE_DISABLE_COMPILE_CACHE=1 turns it off, as for any Node
  // program. Node 20 has no such cache: there the bundle is compiled with the code cache the build made
  // (code-cache.ts). Measured by `pnpm bench` (cliVsNode, cliColdStart).
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const { enableCompileCache } = module as { enableCompileCache?: () => unknown };
  if (enableCompileCache) {
    enableCompileCache();
    module.createRequire(main)(main);
  } else {
    runWithCodeCache(main);
  }
}
