import { ELMO } from '@elmo/elmo-telemetry';
import { isUuid } from '@elmo/telemetry-core';
import { maskId, readInstallId, removeInstallId, updateEnvFile } from '@elmo/telemetry-core/node';
import { CliError } from '../cli-error.js';
import type { CommandContext } from '../command-context.js';
import { readDeployment } from '../deployment/deployment.js';

/** The ids `--forget` works on: read before anything is written. */
export interface ForgetTargets {
  configFile: string;
  installId?: string;
  envFile?: string;
  deploymentId?: string;
}

/** Finds the ids to forget: the install id in the user config, and the DEPLOYMENT_ID when a deployment exists. */
export function findForgetTargets(configFile: string, deploymentDir: string): ForgetTargets {
  const deployment = readDeployment(deploymentDir);
  const deploymentId = deployment.values[ELMO.env.deploymentId];
  return {
    configFile,
    installId: readInstallId(configFile, ELMO.configKeys.installId),
    ...(deployment.exists ? { envFile: deployment.paths.envFile } : {}),
    ...(isUuid(deploymentId) ? { deploymentId: deploymentId.toLowerCase() } : {}),
  };
}

/**
 * `elmo telemetry disable --forget`, after telemetry was turned off (SPEC §6): replaces both ids, then queues one
 * `deletion_request` keyed by each old id and carrying nothing else, sent by the explicit sender whatever consent
 * says. The install id is removed, as `reset-id` does while telemetry is off: a new one is made only with the first
 * event sent after telemetry is on again. Returns the lines to print.
 */
export async function forgetIds(
  context: CommandContext,
  targets: ForgetTargets,
  deploymentDir: string,
): Promise<string[]> {
  const { deps, session } = context;
  const newDeploymentId = targets.envFile ? deps.uuid() : undefined;
  try {
    if (targets.installId) removeInstallId(targets.configFile, ELMO.configKeys.installId);
    if (targets.envFile && newDeploymentId)
      updateEnvFile(targets.envFile, { [ELMO.env.deploymentId]: newDeploymentId });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CliError('config_unreadable', `the ids could not be replaced (${reason}); no deletion request was sent`);
  }
  // The destination may be named in this deployment's `.env`.
  session.useDeployment(deploymentDir);
  const destination = session.destination();
  const request = async (id: string) => {
    const queued = await session.submitExplicit('deletion_request', { keyedBy: id });
    if (!queued) return 'the deletion request could not be queued';
    if (!destination) return 'deletion request kept in the local log only (no ELMO_POSTHOG_KEY is set)';
    return 'deletion request queued (it is sent even though telemetry is off)';
  };
  const lines = ['Forgotten:'];
  lines.push(
    targets.installId
      ? `  install id ${maskId(targets.installId)}: ${await request(targets.installId)}; id removed, a new one is made only when telemetry is on again`
      : '  install id: none to forget',
  );
  if (targets.envFile) {
    lines.push(
      targets.deploymentId
        ? `  deployment id ${maskId(targets.deploymentId)}: ${await request(targets.deploymentId)}; replaced by ${maskId(newDeploymentId ?? '')} in ${targets.envFile}`
        : `  deployment id: none to forget; ${targets.envFile} now has DEPLOYMENT_ID ${maskId(newDeploymentId ?? '')}`,
    );
  }
  lines.push('The maintainers delete every event of a forgotten id (docs/TELEMETRY.md, "Forgetting").');
  return lines;
}
