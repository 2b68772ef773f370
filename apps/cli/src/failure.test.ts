import { FileStateError } from '@elmo/telemetry-core/node';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { describeFailure } from './failure.js';

describe('describeFailure', () => {
  it('maps a CliError to its exit code, message and status', () => {
    expect(describeFailure(new CliError('no_deployment', 'no deployment'))).toEqual({
      exitCode: 1,
      message: 'no deployment',
      outcome: { status: 'failure', errorCode: 'no_deployment' },
    });
    expect(describeFailure(new CliError('invalid_email', 'bad', 2)).outcome?.status).toBe('invalid');
    expect(describeFailure(new CliError('interrupted', 'cancelled', 130))).toMatchObject({
      exitCode: 130,
      outcome: { status: 'interrupted' },
    });
  });

  it('maps commander usage errors to exit code 2 and one line', () => {
    const error = new CommanderError(1, 'commander.unknownCommand', "error: unknown command 'x'\n(Did you mean st?)");
    expect(describeFailure(error)).toEqual({
      exitCode: 2,
      message: "unknown command 'x' (Did you mean st?) (see elmo --help)",
      outcome: { status: 'invalid', errorCode: 'unknown_command' },
    });
  });

  it('never leaks a stack or a multi-line message for unexpected errors', () => {
    const failure = describeFailure(new Error('boom\n    at somewhere (file.js:1:1)'));
    expect(failure.exitCode).toBe(1);
    expect(failure.message).not.toContain('\n');
    expect(failure.outcome).toEqual({ status: 'failure', errorCode: 'internal' });
  });

  it('maps a FileStateError to the file it concerns', () => {
    const failure = describeFailure(new FileStateError('/x/.env', 'corrupt', 'binary'));
    expect(failure.outcome?.errorCode).toBe('env_unreadable');
    expect(failure.message).toContain('/x/.env');
  });
});
