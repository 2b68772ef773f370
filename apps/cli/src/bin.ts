#!/usr/bin/env node
// The `elmo` entry point. It checks the Node.js version before anything else loads, and only then loads the CLI
// (main.ts): static imports all load before any code runs, so on an unsupported Node a dependency could fail
// first, with an error that names neither elmo nor Node. node-version.ts itself imports nothing.
import { unsupportedNodeMessage } from './node-version.js';

const unsupported = unsupportedNodeMessage(process.versions.node);
if (unsupported) {
  process.stderr.write(`${unsupported}\n`);
  process.exitCode = 1;
} else {
  await import('./main.js');
}
