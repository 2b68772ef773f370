import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runElmo } from '@elmo/test-support';
import { useTempDir } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

// What a person or a script sees from `elmo` (help texts, `status --json`, errors and exit codes) is pinned byte
// for byte in fixtures/cold-start/, so that how the CLI is loaded or bundled can change and its output cannot.
// Each run gets a clean environment of only PATH, HOME and LANG, with HOME in a fresh temp folder; only that
// folder's path is masked.

interface Case {
  name: string;
  args: string[];
  env?: Record<string, string>;
  /** Commands run first in the same home (each must exit 0); their output is not pinned. */
  setup?: string[][];
}

const TELEMETRY_SUBCOMMANDS = ['status', 'enable', 'local', 'disable', 'log', 'reset-id'];

const CASES: Case[] = [
  { name: 'help', args: ['--help'] },
  { name: 'help-command', args: ['help'] },
  { name: 'version', args: ['--version'] },
  ...['init', 'start', 'status', 'telemetry'].map((command) => ({
    name: `${command}-help`,
    args: [command, '--help'],
  })),
  ...TELEMETRY_SUBCOMMANDS.map((sub) => ({ name: `telemetry-${sub}-help`, args: ['telemetry', sub, '--help'] })),
  { name: 'telemetry-no-subcommand', args: ['telemetry'] },
  { name: 'unknown-command', args: ['nope'] },
  { name: 'unknown-command-suggestion', args: ['stat'] },
  { name: 'unknown-option', args: ['status', '--nope'] },
  // First run: the first-run notice on stderr, then the report.
  { name: 'status-json-first-run', args: ['status', '--json'] },
  { name: 'status-json-second-run', args: ['status', '--json'], setup: [['status']] },
  { name: 'status-json-do-not-track', args: ['status', '--json'], env: { DO_NOT_TRACK: '1' } },
  { name: 'status-json-ci', args: ['status', '--json'], env: { CI: 'true' } },
  {
    name: 'status-json-deployment',
    args: ['status', '--json'],
    setup: [['init', '--yes', '--no-telemetry']],
  },
  { name: 'status-deployment', args: ['status'], setup: [['init', '--yes', '--no-telemetry']] },
];

function transcript(result: { code: number | null; stdout: string; stderr: string }, root: string): string {
  const mask = (text: string) => text.replaceAll(root, '<tmp>');
  return `exit code: ${result.code}\n--- stdout\n${mask(result.stdout)}--- stderr\n${mask(result.stderr)}`;
}

describe('cold-start output', () => {
  const temp = useTempDir('elmo-cli-output-');

  it.each(CASES)('`elmo $args` prints what it always printed ($name)', async ({ name, args, env, setup }) => {
    const home = join(temp.path, 'home');
    mkdirSync(home);
    const runEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', ...env };
    for (const step of setup ?? []) {
      const run = await runElmo(step, { env: runEnv, cwd: temp.path });
      expect(run.code, `${step.join(' ')}: ${run.stderr}`).toBe(0);
    }
    const result = await runElmo(args, { env: runEnv, cwd: temp.path });
    await expect(transcript(result, temp.path)).toMatchFileSnapshot(`fixtures/cold-start/${name}.txt`);
  });
});
