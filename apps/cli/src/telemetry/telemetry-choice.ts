import { ELMO, elmoCatalog } from '@elmo/elmo-telemetry';
import { isTruthy } from '@elmo/telemetry-core';
import { type EnvFileState, FileStateError, type JsonFileState, updateJsonFile } from '@elmo/telemetry-core/node';
import { CliError } from '../cli-error.js';
import { isUnusable } from '../deployment/deployment.js';
import { changeEnvFile, type EnvEdits } from '../deployment/env-update.js';
import { describeFileProblem } from '../file-problem.js';

const { telemetryDisabled, telemetryChoice, noticeVersion } = ELMO.configKeys;

/** What one file change did, for printing: the file and a description of each key changed (empty: none). */
export interface FileChange {
  file: string;
  changes: string[];
}

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
 * Records an explicit telemetry choice in the user config: `telemetryChoice`, `telemetryDisabled` (set when
 * declining, removed when accepting) and the notice version the person has now seen. Other keys are kept.
 */
export function saveConfigChoice(path: string, enabled: boolean, rerun: string): FileChange {
  let before: Record<string, unknown> = {};
  let after: Record<string, unknown> = {};
  try {
    after = updateJsonFile(path, (data) => {
      before = data;
      const { [telemetryDisabled]: _old, ...rest } = data;
      const seen = typeof data[noticeVersion] === 'number' ? (data[noticeVersion] as number) : 0;
      return {
        ...rest,
        ...(enabled ? {} : { [telemetryDisabled]: true }),
        [telemetryChoice]: enabled ? 'enabled' : 'disabled',
        [noticeVersion]: Math.max(seen, elmoCatalog.consentVersion),
      };
    });
  } catch (error) {
    throw asCliError(error, path, rerun);
  }
  const changes: string[] = [];
  for (const key of [telemetryDisabled, telemetryChoice]) {
    if (before[key] === after[key]) continue;
    changes.push(key in after ? `${key}: ${JSON.stringify(after[key])}` : `removed ${key}`);
  }
  return { file: path, changes };
}

/** Sets or removes `DISABLE_TELEMETRY` in a deployment `.env`, keeping every other line and comment. */
export function saveDeploymentChoice(path: string, enabled: boolean, rerun: string): FileChange {
  const key = ELMO.env.disableTelemetry;
  try {
    const { changed } = changeEnvFile(path, (values): EnvEdits => {
      // Accepting removes the line; declining writes `1` unless a truthy value already disables.
      if (enabled) return { [key]: null };
      return isTruthy(values[key]) ? {} : { [key]: '1' };
    });
    return { file: path, changes: changed.length === 0 ? [] : [enabled ? `removed ${key}` : `${key}=1`] };
  } catch (error) {
    throw asCliError(error, path, rerun);
  }
}

/** Prints a file change as one line. */
export function describeChange(change: FileChange): string {
  return `  ${change.file}: ${change.changes.length ? change.changes.join(', ') : 'already set, unchanged'}`;
}
