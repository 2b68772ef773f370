import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ELMO_NOTICE } from '@elmo/elmo-telemetry';
import { createMemorySender, type MemorySender } from '@elmo/telemetry-core/testing';
import { createTempDir } from '@elmo/test-support';
import type { CliDeps } from '../deps.js';
import type { Prompter } from '../prompts/prompter.js';
import { createCommandTracker } from '../telemetry/command-tracking.js';
import { type CliSession, createCliSession } from '../telemetry/session.js';

/** A prompter for tests: answers from a script, in order; asking more than scripted fails the test. */
export function createScriptedPrompter(script: (string | boolean | string[])[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const next = (message: string) => {
    asked.push(message);
    if (script.length === 0) throw new Error(`unexpected question: ${message}`);
    return script.shift() as string | boolean | string[];
  };
  // Like clack: an answer the validator refuses is asked again (the next scripted answer).
  const untilValid = (question: { message: string; validate?: (value: string) => string | undefined }) => {
    for (;;) {
      const answer = next(question.message) as string;
      if (!question.validate?.(answer)) return answer;
    }
  };
  return {
    asked,
    async intro() {},
    async note() {},
    async outro() {},
    async select(question) {
      return next(question.message) as (typeof question.options)[number]['value'];
    },
    async multiselect(question) {
      return next(question.message) as (typeof question.options)[number]['value'][];
    },
    async confirm(question) {
      return next(question.message) as boolean;
    },
    async text(question) {
      return untilValid(question);
    },
    async password(question) {
      return untilValid(question);
    },
  };
}

/** In-process deps over a temp home, capturing output; `cleanup` removes the folder. */
export interface TestDeps extends CliDeps {
  root: string;
  out: string[];
  err: string[];
  cleanup(): void;
}

/** Writes the user config of TestDeps (XDG default under its HOME). */
export function writeUserConfig(deps: TestDeps, data: Record<string, unknown>): string {
  const dir = join(deps.homedir, '.config', 'elmo');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(data));
  return file;
}

/** TestDeps of someone who has already seen the first-run notice: commands run as on every day after the first. */
export function createNoticeSeenDeps(): TestDeps {
  const deps = createTestDeps();
  // The current consent version: an older one makes the notice due again (SPEC §3), as after an upgrade.
  writeUserConfig(deps, { noticeVersion: ELMO_NOTICE.consentVersion });
  return deps;
}

/** Creates TestDeps: a fresh temp HOME and deployment folder, no TTY, not CI, a fixed clock. */
export function createTestDeps(overrides: Partial<CliDeps> = {}): TestDeps {
  const temp = createTempDir('elmo-cli-unit-');
  const root = temp.path;
  const home = join(root, 'home');
  mkdirSync(home);
  const out: string[] = [];
  const err: string[] = [];
  let clock = 1_700_000_000_000;
  return {
    root,
    out,
    err,
    argv: [],
    env: { HOME: home, ELMO_HOME: join(root, 'deploy') },
    cwd: root,
    homedir: home,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    isTTY: false,
    isCI: false,
    now: () => {
      clock += 5;
      return clock;
    },
    productVersion: '0.1.0',
    prompter: createScriptedPrompter([]),
    uuid: () => crypto.randomUUID(),
    secret: () => 'test-secret-test-secret-test-secret',
    senderCapMs: 1000,
    senderIntervalMs: 0,
    onInterrupt: () => () => {},
    cleanup: temp.remove,
    ...overrides,
  };
}

/** A session whose events land in memory, plus the tracker bound to it. */
export function createMemorySession(deps: CliDeps): {
  session: CliSession;
  sender: MemorySender;
  tracker: ReturnType<typeof createCommandTracker>;
} {
  const sender = createMemorySender();
  const session = createCliSession(deps, { sender });
  return { session, sender, tracker: createCommandTracker(deps, session) };
}

/** What an in-process run produced. */
export interface InProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  sender: MemorySender;
}

/**
 * Runs the program in-process the way main.ts does (parse, map the failure to one line and an exit code,
 * track, finish), with events going to memory instead of the spool.
 */
export async function runInProcess(deps: TestDeps, argv: string[]): Promise<InProcessResult> {
  const { createProgram } = await import('../program.js');
  const { describeFailure } = await import('../failure.js');
  const withArgv = { ...deps, argv };
  const { session, sender, tracker } = createMemorySession(withArgv);
  const program = createProgram(withArgv, { session, tracker });
  let exitCode = 0;
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    const failure = describeFailure(error);
    if (failure.outcome) tracker.fail(failure.outcome);
    if (failure.message) deps.stderr(`elmo: ${failure.message}\n`);
    exitCode = failure.exitCode;
  }
  await session.finish();
  const result = { exitCode, stdout: deps.out.join(''), stderr: deps.err.join(''), sender };
  deps.out.length = 0;
  deps.err.length = 0;
  return result;
}
