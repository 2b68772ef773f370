import { CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeFailure } from './failure.js';
import { createProgram } from './program.js';
import {
  createMemorySession,
  createNoticeSeenDeps,
  createTestDeps,
  runInProcess,
  type TestDeps,
} from './testing/test-deps.js';

describe('createProgram', () => {
  let deps: TestDeps;
  beforeEach(() => {
    deps = createTestDeps();
  });
  afterEach(() => deps.cleanup());

  const build = () => createProgram(deps, { session: createMemorySession(deps).session });
  const parse = async (argv: string[]) => {
    try {
      await build().parseAsync(argv, { from: 'user' });
      return undefined;
    } catch (error) {
      return error;
    }
  };

  it('--help explains each command in one line and shows examples, on stdout, exit code 0', async () => {
    const error = await parse(['--help']);
    expect(error).toBeInstanceOf(CommanderError);
    expect(describeFailure(error)).toEqual({ exitCode: 0 });
    const help = deps.out.join('');
    for (const command of ['init', 'start|up', 'status|st', 'telemetry']) expect(help).toContain(`  ${command}`);
    expect(help).toMatch(/Examples:\n {2}\$ elmo init/);
    expect(help).toContain('DO_NOT_TRACK=1');
    expect(deps.err).toEqual([]);
  });

  it('declares --dir on every command that runs something', () => {
    const visit = (command: ReturnType<typeof build>): string[] =>
      command.commands.flatMap((sub) =>
        sub.commands.length > 0 ? visit(sub) : sub.options.some((o) => o.long === '--dir') ? [] : [sub.name()],
      );
    expect(visit(build())).toEqual([]);
  });

  it('telemetry --help lists its subcommands and examples', async () => {
    await parse(['telemetry', '--help']);
    const help = deps.out.join('');
    for (const name of ['status', 'enable', 'disable', 'log', 'reset-id']) expect(help).toContain(`  ${name}`);
    expect(help).toContain('elmo telemetry status --json');
  });

  it('-V prints the product version', async () => {
    const error = await parse(['-V']);
    expect(describeFailure(error).exitCode).toBe(0);
    expect(deps.out.join('')).toBe('0.1.0\n');
  });

  it('an unknown command or option is a usage error (exit 2) in one line, with a suggestion', async () => {
    const unknown = describeFailure(await parse(['stats']));
    expect(unknown).toMatchObject({ exitCode: 2, outcome: { status: 'invalid', errorCode: 'unknown_command' } });
    expect(unknown.message).toMatch(/^unknown command 'stats' \(Did you mean .*status.*\?\)/);
    expect(unknown.message).not.toContain('\n');
    const option = describeFailure(await parse(['status', '--bogus=1']));
    expect(option).toMatchObject({ exitCode: 2, outcome: { status: 'invalid', errorCode: 'usage' } });
    expect(option.message).toBe("unknown option '--bogus=1' (see elmo --help)");
    expect(describeFailure(await parse(['init', 'extra'])).exitCode).toBe(2);
    expect(describeFailure(await parse(['init', '--email'])).exitCode).toBe(2);
    // Commander's own copy of the message is suppressed: main.ts prints the one line.
    expect(deps.err).toEqual([]);
  });

  it('no command: help on stderr, exit 2, nothing tracked', async () => {
    const failure = describeFailure(await parse([]));
    expect(failure).toEqual({ exitCode: 2 });
    expect(deps.err.join('')).toContain('Usage: elmo');
  });
});

describe('option parsing end to end (in-process)', () => {
  let deps: TestDeps;
  beforeEach(() => {
    deps = createNoticeSeenDeps();
  });
  afterEach(() => deps.cleanup());

  it('start --port is checked: 1–65535, else invalid_port with exit code 2', async () => {
    for (const port of ['0', '65536', '80a', '-1', '']) {
      const result = await runInProcess(deps, ['start', '--port', port]);
      expect(result.exitCode, port).toBe(2);
      expect(result.stderr, port).toMatch(/^elmo: --port must be a port number from 1 to 65535/);
    }
    const noDeployment = await runInProcess(deps, ['start', '--port', '8080']);
    expect(noDeployment.exitCode).toBe(1);
    expect(noDeployment.stderr).toContain('run `elmo init` first');
  });

  it('start --workers is checked: 1–16, else invalid_workers with exit code 2, before the deployment', async () => {
    for (const workers of ['0', '17', 'two']) {
      const result = await runInProcess(deps, ['start', '--workers', workers]);
      expect(result.exitCode, workers).toBe(2);
      expect(result.stderr, workers).toBe(`elmo: --workers must be a whole number from 1 to 16, not "${workers}"\n`);
      expect(result.sender.events.map((e) => e.properties.error_code)).toEqual(['invalid_workers']);
    }
    const dev = await runInProcess(deps, ['start', '--workers', '3', '--dev']);
    expect(dev.exitCode).toBe(1);
    expect(dev.stderr).toContain('run `elmo init` first');
    expect(dev.sender.events[0]?.properties.flags).toEqual(['dev', 'workers']);
  });

  it('init --telemetry / --no-telemetry / neither', async () => {
    const dir = `${deps.root}/d`;
    const off = await runInProcess(deps, ['init', '--no-telemetry', '--dir', dir]);
    expect(off.exitCode).toBe(0);
    expect(off.stdout).toContain('telemetry:   off, recorded in');
    const on = await runInProcess(deps, ['init', '--telemetry', '--dir', dir]);
    expect(on.stdout).toContain('telemetry:   on, recorded in');
    const neither = await runInProcess(deps, ['init', '--dir', dir]);
    expect(neither.stdout).toContain('telemetry:   unchanged');
  });

  it('init refuses an invalid --email or --database-url with exit code 2 before writing anything', async () => {
    const email = await runInProcess(deps, ['init', '--email', 'x@']);
    expect(email).toMatchObject({ exitCode: 2, stderr: 'elmo: --email: "x@" is not a valid email address\n' });
    const url = await runInProcess(deps, ['init', '--database-url', 'mysql://root:hunter2@db/x']);
    expect(url.exitCode).toBe(2);
    expect(url.stderr).not.toContain('hunter2');
    expect(url.sender.events.map((e) => [e.event, e.properties.status, e.properties.error_code])).toEqual([
      ['cli_command', 'invalid', 'invalid_database_url'],
    ]);
    expect(JSON.stringify(url.sender.events)).not.toContain('hunter2');
  });
});
