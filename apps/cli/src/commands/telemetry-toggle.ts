import { openSpool } from '@elmo/telemetry-core/node';
import { type CommandContext, printLines } from '../command-context.js';
import { deploymentDirFor } from '../deployment/deployment.js';
import { readConsentSnapshot } from '../telemetry/consent-snapshot.js';
import { assertWritable, describeChange, saveChoice } from '../telemetry/telemetry-choice.js';
import { findForgetTargets, forgetIds } from './telemetry-forget.js';

/** Options of `elmo telemetry enable|disable`. */
export interface TelemetryToggleOptions {
  dir?: string;
  /** `disable --forget`: also ask for every event of the install and deployment ids to be deleted (SPEC §6). */
  forget?: boolean;
}

// SPEC §3: events queued but not yet sent are dropped when consent is withdrawn (also by `telemetry local`).
export function dropPending(spoolFile: string): number {
  const spool = openSpool(spoolFile);
  const pending = spool.read();
  spool.remove(pending.map((event) => event.uuid));
  return pending.length;
}

/**
 * `elmo telemetry enable|disable`: writes the user config and, when a deployment exists, its `.env`, then
 * prints what changed. Refuses to overwrite a corrupt file. Never tracked, never sends anything.
 */
export async function runTelemetryToggle(
  context: CommandContext,
  enabled: boolean,
  options: TelemetryToggleOptions,
): Promise<void> {
  const { deps } = context;
  const dir = deploymentDirFor(deps, options.dir);
  const rerun = `elmo telemetry ${enabled ? 'enable' : 'disable'}`;
  const before = readConsentSnapshot(deps, dir);
  const hasDeployment = before.deploymentEnv.status !== 'missing';
  // Both files are checked before either is written, so a refusal leaves everything as it was.
  assertWritable(before.paths.configFile, before.config, rerun);
  if (hasDeployment) assertWritable(before.envPath, before.deploymentEnv, rerun);

  const changes = saveChoice(
    enabled ? 'on' : 'off',
    { userConfigFile: before.paths.configFile, ...(hasDeployment ? { deploymentEnvFile: before.envPath } : {}) },
    rerun,
  );
  // Read before any write, so the request names the ids being forgotten.
  const forgetting = !enabled && options.forget ? findForgetTargets(before.paths.configFile, dir) : undefined;
  const dropped = enabled ? 0 : dropPending(before.paths.spoolFile);

  const after = readConsentSnapshot(deps, dir).decision;
  const lines = [`Telemetry ${enabled ? 'enabled' : 'disabled'}. Changed:`, ...changes.map(describeChange)];
  if (!hasDeployment) lines.push(`  ${before.envPath}: no deployment there, nothing to change`);
  if (dropped > 0)
    lines.push(`  dropped ${dropped} unsent event${dropped === 1 ? '' : 's'} (${before.paths.spoolFile})`);
  if (enabled && !after.enabled) lines.push(`Telemetry is still off: ${after.reason}.`);
  if (forgetting) lines.push(...(await forgetIds(context, forgetting, dir)));
  printLines(deps, lines);
}
