import { ELMO } from '@elmo/elmo-telemetry';
import { maskId, readInstallId, removeInstallId, replaceInstallId } from '@elmo/telemetry-core/node';
import { CliError } from '../cli-error.js';
import { type CommandContext, printLines } from '../command-context.js';
import { deploymentDirFor } from '../deployment/deployment.js';
import { readConsentSnapshot } from '../telemetry/consent-snapshot.js';
import { assertWritable } from '../telemetry/telemetry-choice.js';

/** Options of `elmo telemetry reset-id`. */
export interface ResetIdOptions {
  dir?: string;
}

/**
 * `elmo telemetry reset-id`: replaces the install id. While telemetry is off no id may be created, so the
 * old one is only removed and a new one is made with the first event sent after telemetry is on again.
 */
export async function runResetId(context: CommandContext, options: ResetIdOptions): Promise<void> {
  const { deps } = context;
  const snapshot = readConsentSnapshot(deps, deploymentDirFor(deps, options.dir));
  const configFile = snapshot.paths.configFile;
  const key = ELMO.configKeys.installId;
  assertWritable(configFile, snapshot.config, 'elmo telemetry reset-id');
  try {
    if (snapshot.decision.enabled) {
      const previous = readInstallId(configFile, key);
      const id = replaceInstallId(configFile, key, deps.uuid);
      printLines(deps, [
        `New install id: ${maskId(id)}${previous ? ` (was ${maskId(previous)})` : ''}`,
        `  saved in ${configFile}`,
      ]);
      return;
    }
    const removed =
      snapshot.config.status === 'ok' && readInstallId(configFile, key) ? removeInstallId(configFile, key) : false;
    printLines(deps, [
      removed ? `Removed the install id from ${configFile}.` : 'There is no install id to reset.',
      `Telemetry is off (${snapshot.decision.reason}), so no new id is created until it is on again.`,
    ]);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CliError('config_unreadable', `${configFile} could not be written (${reason})`);
  }
}
