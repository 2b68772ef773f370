#!/usr/bin/env node
// The `acme` entry point and the only module that touches process.argv, stdout/stderr and process.exit.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { type AcmeDeps, AcmeError } from './deps.js';
import { readEnv } from './env.js';
import { createProgram } from './program.js';
import { createAcmeTelemetry } from './telemetry.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const deps: AcmeDeps = {
  ...readEnv(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  now: Date.now,
  uuid: randomUUID,
  productVersion: manifest.version,
};

const telemetry = createAcmeTelemetry(deps);
let exitCode = 0;
try {
  await createProgram(deps, telemetry).parseAsync(process.argv.slice(2), { from: 'user' });
} catch (error) {
  // Commander has already printed its own message (help and --version end here too, with exit code 0).
  if (error instanceof CommanderError) exitCode = error.exitCode;
  else {
    deps.stderr(`acme: ${error instanceof AcmeError ? error.message : String(error)}\n`);
    exitCode = error instanceof AcmeError ? error.exitCode : 1;
  }
}
// Appends to the spool and may start the detached sender: never the network, never an error.
await telemetry.finish();
process.exit(exitCode);
