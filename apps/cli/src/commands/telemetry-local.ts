import { type CommandContext, printLines } from '../command-context.js';
import { deploymentDirFor } from '../deployment/deployment.js';
import { readConsentSnapshot } from '../telemetry/consent-snapshot.js';
import { assertWritable, describeChange, saveChoice } from '../telemetry/telemetry-choice.js';
import { dropPending } from './telemetry-toggle.js';

/** Options of `elmo telemetry local`. */
export interface TelemetryLocalOptions {
  dir?: string;
}

const RERUN = 'elmo telemetry local';

/**
 * `elmo telemetry local`: every event is recorded in the local log only (SPEC §3): the user config gets
 * `telemetryMode: "local"` and, when a deployment exists, its `.env` `TELEMETRY_MODE=local`; then it prints what
 * changed. Nothing is sent from then on, so unsent events are dropped. Never tracked, never sends anything.
 */
export async function runTelemetryLocal(context: CommandContext, options: TelemetryLocalOptions): Promise<void> {
  const { deps } = context;
  const dir = deploymentDirFor(deps, options.dir);
  const before = readConsentSnapshot(deps, dir);
  const hasDeployment = before.deploymentEnv.status !== 'missing';
  // Both files are checked before either is written, so a refusal leaves everything as it was.
  assertWritable(before.paths.configFile, before.config, RERUN);
  if (hasDeployment) assertWritable(before.envPath, before.deploymentEnv, RERUN);

  const changes = saveChoice(
    'local',
    { userConfigFile: before.paths.configFile, ...(hasDeployment ? { deploymentEnvFile: before.envPath } : {}) },
    RERUN,
  );
  const dropped = dropPending(before.paths.spoolFile);

  const after = readConsentSnapshot(deps, dir).decision;
  const lines = [
    'Telemetry set to local: events are recorded in the local log only, nothing is sent. Changed:',
    ...changes.map(describeChange),
  ];
  if (!hasDeployment) lines.push(`  ${before.envPath}: no deployment there, nothing to change`);
  if (dropped > 0)
    lines.push(`  dropped ${dropped} unsent event${dropped === 1 ? '' : 's'} (${before.paths.spoolFile})`);
  // A stricter setting elsewhere (a kill switch, the machine policy) wins over local: say so.
  if (after.mode === 'off') lines.push(`Telemetry is off: ${after.reason}.`);
  else lines.push(`See them with \`elmo telemetry log\` (${before.paths.logFile}).`);
  printLines(deps, lines);
}
