import { ELMO_NOTICE } from '@elmo/elmo-telemetry';
import { saveElmoTelemetryChoice } from '@elmo/elmo-telemetry/node';
import type { TelemetryMode } from '@elmo/telemetry-core';
import {
  type EnvFileState,
  type FileChange,
  FileStateError,
  type JsonFileState,
  noticeShownKeys,
} from '@elmo/telemetry-core/node';
import { CliError } from '../cli-error.js';
import { isUnusable } from '../deployment/deployment.js';
import { describeFileProblem } from '../file-problem.js';

/** Refuses, with one line saying how to fix it, when a file we must write is corrupt or unreadable. */
export function assertWritable(path: string, state: JsonFileState | EnvFileState, rerun: string): void {
  if (!isUnusable(state)) return;
  throw new CliError(
    path.endsWith('.env') ? 'env_unreadable' : 'config_unreadable',
    `${describeFileProblem(path, state)}; elmo will not overwrite it. Fix or delete it, then run \`${rerun}\` again.`,
  );
}

function asCliError(error: unknown, path: string, rerun: string): CliError {
  const code = path.endsWith('.env') ? 'env_unreadable' : 'config_unreadable';
  if (error instanceof FileStateError)
    return new CliError(
      code,
      `${error.message}; elmo will not overwrite it. Fix or delete it, then run \`${rerun}\` again.`,
    );
  const reason = (error as NodeJS.ErrnoException).code ?? String(error);
  return new CliError(code, `${path} could not be written (${reason}); nothing else was changed there`);
}

/**
 * Records an explicit telemetry choice with the one writer (SPEC §3): the user config always, the deployment
 * `.env` when given. The person has now seen what is collected, so the notice version is recorded too.
 */
export function saveChoice(
  mode: TelemetryMode,
  files: { userConfigFile: string; deploymentEnvFile?: string },
  rerun: string,
): FileChange[] {
  try {
    return saveElmoTelemetryChoice(mode, {
      ...files,
      extraConfig: (data) => noticeShownKeys(data, ELMO_NOTICE),
    });
  } catch (error) {
    const path = error instanceof FileStateError ? error.path : (files.deploymentEnvFile ?? files.userConfigFile);
    throw asCliError(error, path, rerun);
  }
}

/** Prints a file change as one line. */
export function describeChange(change: FileChange): string {
  return `  ${change.file}: ${change.changes.length ? change.changes.join(', ') : 'already set, unchanged'}`;
}
