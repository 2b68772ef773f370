import { ELMO } from '@elmo/elmo-telemetry';
import type { ConsentDecision } from '@elmo/telemetry-core';
import { type CommandContext, printReport } from '../command-context.js';
import { deploymentDirFor, isUnusable, readDeployment } from '../deployment/deployment.js';
import { parsePort } from '../deployment/port.js';
import { readRunState } from '../deployment/running.js';
import { describeFileProblem } from '../file-problem.js';
import { readConsentSnapshot } from '../telemetry/consent-snapshot.js';

/** Options of `elmo status`. */
export interface StatusOptions {
  dir?: string;
  json?: boolean;
}

/** What `elmo status` reports; also its `--json` shape. */
export interface StatusReport {
  dir: string;
  envPath: string;
  exists: boolean;
  /** Why the `.env` cannot be used, when it exists but cannot be read. */
  problem: string | null;
  running: boolean;
  pid: number | null;
  pidFile: string | null;
  url: string;
  telemetry: Pick<ConsentDecision, 'enabled' | 'mode' | 'source' | 'reason' | 'lockedBy'>;
}

// Status never fails on a bad port: it shows the default and leaves the complaint to `elmo start`.
function portOf(env: Readonly<Record<string, string | undefined>>, values: Readonly<Record<string, string>>): number {
  for (const value of [env[ELMO.env.port], values[ELMO.env.port]]) {
    const port = value ? parsePort(value) : undefined;
    if (port) return port;
  }
  return ELMO.defaultPort;
}

/** Gathers the status from local files only: no network, no child process. */
export function readStatus(context: CommandContext, options: StatusOptions): StatusReport {
  const { deps } = context;
  const dir = deploymentDirFor(deps, options.dir);
  const deployment = readDeployment(dir);
  const run = deployment.exists ? readRunState(dir) : { state: 'stopped' as const };
  const { decision } = readConsentSnapshot(deps, dir);
  return {
    dir,
    envPath: deployment.paths.envFile,
    exists: deployment.exists,
    problem: isUnusable(deployment.env) ? describeFileProblem(deployment.paths.envFile, deployment.env) : null,
    running: run.state === 'running',
    pid: run.state === 'running' ? run.pid : null,
    pidFile: run.state === 'running' ? run.pidFile : null,
    url: `http://localhost:${(run.state === 'running' && run.port) || portOf(deps.env, deployment.values)}`,
    telemetry: {
      enabled: decision.enabled,
      mode: decision.mode,
      source: decision.source,
      reason: decision.reason,
      lockedBy: decision.lockedBy,
    },
  };
}

function formatStatus(report: StatusReport): string[] {
  const telemetry = `${report.telemetry.mode} (${report.telemetry.reason}; see \`elmo telemetry status\`)`;
  if (!report.exists) {
    return [`Deployment: none in ${report.dir}`, `Telemetry:  ${telemetry}`, 'Run `elmo init` to create one.'];
  }
  return [
    `Deployment: ${report.dir}${report.problem ? ` (warning: ${report.problem})` : ''}`,
    `Running:    ${report.running ? `yes (pid ${report.pid}, ${report.pidFile})` : 'no (`elmo start` starts it)'}`,
    `URL:        ${report.url}`,
    `Telemetry:  ${telemetry}`,
  ];
}

/** `elmo status`: is there a deployment, is it running, its URL and the telemetry state. Fast and local. */
export async function runStatus(context: CommandContext, options: StatusOptions): Promise<void> {
  printReport(context.deps, readStatus(context, options), options.json, formatStatus);
}
