// The CLI proper, loaded by bin.ts once the Node.js version passed its check, and the only module that touches
// process.argv, process.env and process.exit: it builds the deps, runs the program, maps any error to one line and
// an exit code, and finishes telemetry.
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { isTraceMode } from '@elmo/elmo-telemetry/node';
import { createRandomUuid } from '@elmo/telemetry-core/node';
import { mayBeCI } from './ci-detection.js';
import { guardClosedPipe } from './closed-pipe.js';
import type { CliDeps } from './deps.js';
import { describeFailure, type Failure, INTERRUPTED } from './failure.js';
import { readProductVersion } from './product-version.js';
import { createProgram } from './program.js';
import { createLazyPrompter } from './prompts/lazy-prompter.js';
import { createCommandTracker } from './telemetry/command-tracking.js';
import { createCliSession } from './telemetry/session.js';

const SENDER_CAP_MS = 30_000;
// SPEC §7: the detached sender for tracked events starts at most once a minute, unless events wait.
const SENDER_INTERVAL_MS = 60_000;

// Set while a command (`start`) handles Ctrl-C itself.
let interruptHandler: (() => void) | undefined;

// Test knob, documented in the README of apps/cli: shortens the detached sender's 30 s lifetime cap so that
// fault tests (endpoint hanging or refusing) finish quickly. It can only lower the cap, never raise it.
function senderCapMs(env: NodeJS.ProcessEnv): number {
  const value = Number(env.ELMO_TELEMETRY_SENDER_CAP_MS);
  return Number.isInteger(value) && value > 0 ? Math.min(value, SENDER_CAP_MS) : SENDER_CAP_MS;
}

// Test knob, documented in the README of apps/cli: shortens the 60 s during which no second sender starts for
// tracked events, so that end-to-end tests (0: every run) see a sender on every run. It can only lower it.
function senderIntervalMs(env: NodeJS.ProcessEnv): number {
  const text = env.ELMO_TELEMETRY_SENDER_INTERVAL_MS?.trim();
  const value = text ? Number(text) : Number.NaN;
  return Number.isInteger(value) && value >= 0 ? Math.min(value, SENDER_INTERVAL_MS) : SENDER_INTERVAL_MS;
}

// A shell can sit in a folder that was deleted meanwhile: process.cwd() then throws. The folder only matters for
// a relative --dir, so the shell's own idea of it stands in, and the command still runs (SPEC §10).
function currentFolder(): string {
  try {
    return process.cwd();
  } catch {
    return process.env.PWD || homedir();
  }
}

// Both are worked out on first use (each loads a module): CI detection when consent is decided, the terminal check
// when `init` decides whether to ask or `cli_command` is recorded; never for `--help` or with telemetry off.
const load = createRequire(import.meta.url);
let ci: boolean | undefined;
let tty: boolean | undefined;
// The variables ci-info reads, listed by the build (scripts/ci-info-variables.mjs): with none of them set, ci-info
// would say "not CI", and it is not even run.
declare const __ELMO_CI_INFO_VARIABLES__: readonly string[];
function isCI(): boolean {
  // A plain require() (this module only ever runs as the CommonJS bundle): esbuild bundles ci-info with the rest,
  // still run only on first use, and a run asking it resolves no package in node_modules.
  ci ??= mayBeCI(process.env, __ELMO_CI_INFO_VARIABLES__) && (require('ci-info') as typeof import('ci-info')).isCI;
  return ci;
}
// stdout first, from the stream the command has usually written to already: when it is not a terminal (a pipe, a
// file) the answer is no without loading node:tty. Then isatty(0) rather than process.stdin.isTTY, which would open
// stdin.
function isTTY(): boolean {
  if (tty === undefined) {
    tty = process.stdout.isTTY === true && (load('node:tty') as typeof import('node:tty')).isatty(0);
  }
  return tty;
}

// node:crypto is loaded on first use, and only for a secret (`init`) or where the kernel's random device cannot be
// read: ids come from the device through node:fs (createRandomUuid), which saves a tracked run its load.
const nodeCrypto = () => load('node:crypto') as typeof import('node:crypto');
const randomUuid = createRandomUuid(() => nodeCrypto().randomUUID());

const deps: CliDeps = {
  argv: process.argv.slice(2),
  env: process.env,
  cwd: currentFolder(),
  homedir: homedir(),
  // Each stream is set up on its first write: a run that never writes to stderr does not create it.
  stdout: (text) => guardClosedPipe(process.stdout).write(text),
  stderr: (text) => guardClosedPipe(process.stderr).write(text),
  get isTTY() {
    return isTTY();
  },
  get isCI() {
    return isCI();
  },
  now: Date.now,
  productVersion: readProductVersion(),
  // The prompt library is loaded only when a question is shown.
  prompter: createLazyPrompter(async () =>
    (await import('./prompts/clack-prompter.js')).createClackPrompter({ input: process.stdin, output: process.stdout }),
  ),
  uuid: randomUuid,
  secret: () => nodeCrypto().randomBytes(32).toString('base64url'),
  senderCapMs: senderCapMs(process.env),
  senderIntervalMs: senderIntervalMs(process.env),
  onInterrupt(handler) {
    interruptHandler = handler;
    return () => {
      if (interruptHandler === handler) interruptHandler = undefined;
    };
  },
};

const session = createCliSession(deps);
const tracker = createCommandTracker(deps, session);
const program = createProgram(deps, { session, tracker });

async function end(failure: Failure | undefined, error?: unknown): Promise<never> {
  // Tracking first: a first-run notice it may print comes before the error, which stays the last line.
  if (failure?.outcome) tracker.fail(failure.outcome);
  if (failure?.message) deps.stderr(`elmo: ${failure.message}\n`);
  if (error instanceof Error && error.stack && isTraceMode(deps.env)) deps.stderr(`${error.stack}\n`);
  // Telemetry finishing is local file work only (append to the spool, spawn the sender) and never throws.
  await session.finish();
  process.exit(failure?.exitCode ?? 0);
}

process.on('SIGINT', () => (interruptHandler ? interruptHandler() : void end(INTERRUPTED)));
process.on('SIGTERM', () => (interruptHandler ? interruptHandler() : void end(INTERRUPTED)));

// No top-level await: the bundle is CommonJS (scripts/build.mjs), which has none.
program.parseAsync(deps.argv, { from: 'user' }).then(
  () => end(undefined),
  (error: unknown) => end(describeFailure(error), error),
);
