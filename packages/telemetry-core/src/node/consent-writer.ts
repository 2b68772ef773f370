import type { TelemetryMode } from '../consent.js';
import type { ConsentNames } from './consent.js';
import { changeEnvFile, type EnvEdits, readEnvFile } from './env-file.js';
import { FileStateError, readJsonFile, updateJsonFile } from './json-file.js';

/** What one file change did, for printing: the file and a description of each key changed (empty: none). */
export interface FileChange {
  file: string;
  changes: string[];
}

/** Which files a choice is written to; a surface writes the ones it owns. */
export interface ChoiceTarget {
  /** The user config (the CLI's `init` and `telemetry enable|local|disable`). */
  userConfigFile?: string;
  /** The deployment `.env` (the CLI when a deployment exists, the settings page always). */
  deploymentEnvFile?: string;
  /** Further keys a product records with an explicit choice (such as the notice version now seen). */
  extraConfig?: (data: Readonly<Record<string, unknown>>) => Record<string, unknown>;
}

const CHOICE: Record<TelemetryMode, string> = { on: 'enabled', local: 'local', off: 'disabled' };

function configEdits(names: ConsentNames, mode: TelemetryMode, data: Record<string, unknown>): Record<string, unknown> {
  const keys = names.userConfig;
  const { [keys.disabled]: _disabled, ...rest } = data;
  // `disabled` stays in step with the mode for readers that know only the older key.
  return {
    ...rest,
    ...(mode === 'on' ? {} : { [keys.disabled]: true }),
    [keys.mode]: mode,
    [keys.choice]: CHOICE[mode],
  };
}

function envEdits(names: ConsentNames, mode: TelemetryMode): EnvEdits {
  const keys = names.deploymentEnv;
  if (!keys) throw new Error(`${names.appName} has no deployment .env keys, so it cannot write a deployment's choice`);
  // A hand-written DO_NOT_TRACK is the operator's, not the switch's: it is never touched here.
  return {
    [keys.disable]: mode === 'off' ? '1' : null,
    [keys.mode]: mode === 'local' ? 'local' : null,
  };
}

function assertWritable(path: string, state: { status: string; message?: string }): void {
  if (state.status === 'corrupt' || state.status === 'unreadable')
    throw new FileStateError(path, state.status, state.message ?? '');
}

/**
 * The one writer of the telemetry choice (SPEC §3), used by `init`, `telemetry enable|local|disable` and the
 * settings page. Both files are checked before either is written, so a refusal (FileStateError for a corrupt
 * or unreadable file) leaves everything as it was. Every other key, line and comment is kept.
 */
export function saveTelemetryChoice(names: ConsentNames, mode: TelemetryMode, target: ChoiceTarget): FileChange[] {
  const { userConfigFile, deploymentEnvFile } = target;
  if (userConfigFile) assertWritable(userConfigFile, readJsonFile(userConfigFile));
  if (deploymentEnvFile) assertWritable(deploymentEnvFile, readEnvFile(deploymentEnvFile));
  const changes: FileChange[] = [];
  if (userConfigFile) {
    let before: Record<string, unknown> = {};
    const after = updateJsonFile(userConfigFile, (data) => {
      before = data;
      return { ...configEdits(names, mode, data), ...target.extraConfig?.(data) };
    });
    const keys = [names.userConfig.disabled, names.userConfig.mode];
    changes.push({
      file: userConfigFile,
      changes: keys
        .filter((key) => before[key] !== after[key])
        .map((key) => (key in after ? `${key}: ${JSON.stringify(after[key])}` : `removed ${key}`)),
    });
  }
  if (deploymentEnvFile) {
    const edits = envEdits(names, mode);
    const { changed } = changeEnvFile(deploymentEnvFile, () => edits);
    changes.push({
      file: deploymentEnvFile,
      changes: changed.map((key) => (edits[key] === null ? `removed ${key}` : `${key}=${edits[key]}`)),
    });
  }
  return changes;
}
