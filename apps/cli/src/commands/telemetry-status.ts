import { ELMO } from '@elmo/elmo-telemetry';
import { describeDestination, isEphemeralIdentity, resolveDestination } from '@elmo/elmo-telemetry/node';
import {
  type ConsentLock,
  type ConsentSourceKind,
  describeLock,
  isUuid,
  type TelemetryMode,
} from '@elmo/telemetry-core';
import { EXPLICIT_RETRY_BOUNDS, maskId, openSpool } from '@elmo/telemetry-core/node';
import { type CommandContext, printReport } from '../command-context.js';
import { deploymentDirFor, isUnusable, readDeployment } from '../deployment/deployment.js';
import { describeFileProblem } from '../file-problem.js';
import { readConsentSnapshot } from '../telemetry/consent-snapshot.js';
import { explicitSpoolPaths } from '../telemetry/spool-routes.js';

/** Options of `elmo telemetry status`. */
export interface TelemetryStatusOptions {
  dir?: string;
  json?: boolean;
}

/** The `--json` shape of `elmo telemetry status`: ids unmasked, null when absent. */
export interface TelemetryStatusReport {
  enabled: boolean;
  mode: TelemetryMode;
  source: ConsentSourceKind;
  reason: string;
  /** The setting that forces the decision (the same answer the settings page and web API give). */
  lockedBy: ConsentLock | null;
  installId: string | null;
  deploymentId: string | null;
  /** `ephemeral` (ELMO_TELEMETRY_ID=ephemeral): a fresh id per event, no session id, no install id stored. */
  identity: 'persistent' | 'ephemeral';
  configPath: string;
  configState: string;
  envPath: string;
  envState: string;
  endpoint: string | null;
  destination: string;
  /** Events spooled and not yet sent. */
  pending: number;
  /**
   * Explicit submissions (newsletter signup, deletion request): waiting to be sent, and dropped undelivered
   * (past their retry bounds, SPEC §6, or refused by the endpoint); each drop is in the local log with its reason.
   */
  explicit: { pending: number; dropped: number };
  logPath: string;
}

/** Reads the telemetry state from the files it is decided from; writes nothing. */
export function readTelemetryStatus(context: CommandContext, options: { dir?: string }): TelemetryStatusReport {
  const { deps } = context;
  const dir = deploymentDirFor(deps, options.dir);
  const snapshot = readConsentSnapshot(deps, dir);
  const deployment = readDeployment(dir);
  const destination = resolveDestination(deps.env, deployment.values);
  const installId = snapshot.config.status === 'ok' ? snapshot.config.data[ELMO.configKeys.installId] : undefined;
  const deploymentId = deployment.values[ELMO.env.deploymentId];
  const explicitSpool = openSpool(explicitSpoolPaths(snapshot.paths).spoolFile);
  const stateOf = (path: string, state: typeof snapshot.config | typeof snapshot.deploymentEnv) =>
    isUnusable(state) ? describeFileProblem(path, state) : state.status;
  return {
    enabled: snapshot.decision.enabled,
    mode: snapshot.decision.mode,
    source: snapshot.decision.source,
    reason: snapshot.decision.reason,
    lockedBy: snapshot.decision.lockedBy,
    installId: isUuid(installId) ? installId : null,
    deploymentId: deploymentId ? deploymentId : null,
    identity: isEphemeralIdentity(deps.env) ? 'ephemeral' : 'persistent',
    configPath: snapshot.paths.configFile,
    configState: stateOf(snapshot.paths.configFile, snapshot.config),
    envPath: snapshot.envPath,
    envState: stateOf(snapshot.envPath, snapshot.deploymentEnv),
    endpoint: destination ? destination.host : null,
    destination: describeDestination(destination),
    pending: openSpool(snapshot.paths.spoolFile).read().length,
    explicit: { pending: explicitSpool.read().length, dropped: explicitSpool.dropped() },
    logPath: snapshot.paths.logFile,
  };
}

const ENABLE = `${ELMO.binary} telemetry enable`;

function formatReport(report: TelemetryStatusReport): string[] {
  const lock = report.lockedBy;
  const howToChange = report.enabled
    ? ['Turn it off:  elmo telemetry disable   (or DO_NOT_TRACK=1 for one command)']
    : lock && lock.kind !== 'user-config'
      ? [`Turn it on:   change ${describeLock(lock, ENABLE)}; an environment variable can only turn telemetry off`]
      : [`Turn it on:   ${ENABLE}`, ...(report.mode === 'local' ? ['Turn it off:  elmo telemetry disable'] : [])];
  return [
    `Telemetry: ${report.enabled ? 'enabled' : report.mode === 'local' ? 'local only' : 'disabled'}`,
    `  why:            ${report.reason} [source: ${report.source}]`,
    ...(lock ? [`  locked by:      ${describeLock(lock, ENABLE)}`] : []),
    ...(report.identity === 'ephemeral'
      ? ['  identity:       ephemeral (ELMO_TELEMETRY_ID): a fresh id per event, no session id, no install id stored']
      : []),
    `  install id:     ${report.installId ? maskId(report.installId) : report.identity === 'ephemeral' ? 'none (not used: ephemeral identity)' : 'none (created with the first event sent)'}`,
    `  deployment id:  ${report.deploymentId ? maskId(report.deploymentId) : 'none (no DEPLOYMENT_ID in the deployment .env)'}`,
    `  user config:    ${report.configPath} (${report.configState})`,
    `  deployment:     ${report.envPath} (${report.envState})`,
    `  destination:    ${report.destination}`,
    `  pending:        ${report.pending} event${report.pending === 1 ? '' : 's'} waiting to be sent`,
    ...formatExplicit(report.explicit),
    `  local log:      ${report.logPath} (elmo telemetry log)`,
    '',
    ...howToChange,
    'What is collected: docs/TELEMETRY.md; preview events without sending: ELMO_TELEMETRY_DEBUG=1',
  ];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const BOUNDS = `tried for up to ${EXPLICIT_RETRY_BOUNDS.maxAgeMs / DAY_MS} days or ${EXPLICIT_RETRY_BOUNDS.maxAttempts} attempts`;

// Shown once there has been one: most people never sign up or ask for deletion.
function formatExplicit({ pending, dropped }: TelemetryStatusReport['explicit']): string[] {
  if (pending === 0 && dropped === 0) return [];
  return [
    `  explicit:       ${pending} waiting, ${dropped} dropped undelivered (newsletter sign-up, deletion request; ${BOUNDS})`,
  ];
}

/** `elmo telemetry status`: the decision, its source and reason, both ids, the files and the destination. */
export async function runTelemetryStatus(context: CommandContext, options: TelemetryStatusOptions): Promise<void> {
  printReport(context.deps, readTelemetryStatus(context, options), options.json, formatReport);
}
