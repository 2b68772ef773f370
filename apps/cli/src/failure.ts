import type { CliErrorCode } from '@elmo/elmo-telemetry';
import { FileStateError } from '@elmo/telemetry-core/node';
import { CommanderError } from 'commander';
import { INTERRUPTED_EXIT_CODE, isCliError, USAGE_EXIT_CODE } from './cli-error.js';
import type { CommandStatus } from './telemetry/command-tracking.js';

/** What a thrown error means for the person (one line, exit code) and for `cli_command` (status, code). */
export interface Failure {
  exitCode: number;
  /** The one line printed on stderr; undefined when commander already printed what was asked (help, version). */
  message?: string;
  /** Undefined when the run is not tracked as a failure (help or version shown). */
  outcome?: { status: Exclude<CommandStatus, 'success'>; errorCode: CliErrorCode };
}

// Commander's own messages start with "error: " and may add "(Did you mean …?)" on a second line.
function oneLine(message: string): string {
  return message
    .replace(/^error:\s*/i, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}

/** Maps anything a command or commander threw onto one line, an exit code and a tracked outcome. */
export function describeFailure(error: unknown): Failure {
  if (isCliError(error)) {
    const status =
      error.code === 'interrupted' ? 'interrupted' : error.exitCode === USAGE_EXIT_CODE ? 'invalid' : 'failure';
    return { exitCode: error.exitCode, message: error.message, outcome: { status, errorCode: error.code } };
  }
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return { exitCode: 0 };
    // No command given: commander printed the help on stderr; that is a usage error, but nothing was run.
    if (error.code === 'commander.help') return { exitCode: USAGE_EXIT_CODE };
    const errorCode = error.code === 'commander.unknownCommand' ? 'unknown_command' : 'usage';
    return {
      exitCode: USAGE_EXIT_CODE,
      message: `${oneLine(error.message)} (see elmo --help)`,
      outcome: { status: 'invalid', errorCode },
    };
  }
  if (error instanceof FileStateError) {
    return {
      exitCode: 1,
      message: `${error.message}; elmo will not overwrite it. Fix or delete it, then try again.`,
      outcome: { status: 'failure', errorCode: error.path.endsWith('.env') ? 'env_unreadable' : 'config_unreadable' },
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    exitCode: 1,
    message: `unexpected error: ${oneLine(message)} (LOG_LEVEL=trace shows the stack)`,
    outcome: { status: 'failure', errorCode: 'internal' },
  };
}

/** Ctrl-C while a command ran. */
export const INTERRUPTED: Failure = {
  exitCode: INTERRUPTED_EXIT_CODE,
  message: 'interrupted',
  outcome: { status: 'interrupted', errorCode: 'interrupted' },
};
