import type { CliErrorCode } from '@elmo/elmo-telemetry';

/** A user-facing failure: a stable code (the only part telemetry may send), one line of text, an exit code. */
export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Whether a value is a CliError. */
export function isCliError(error: unknown): error is CliError {
  return error instanceof CliError;
}

/** Exit code of a usage error (unknown command, unknown option, invalid option value). */
export const USAGE_EXIT_CODE = 2;

/** Exit code after Ctrl-C, by shell convention (128 + SIGINT). */
export const INTERRUPTED_EXIT_CODE = 130;
