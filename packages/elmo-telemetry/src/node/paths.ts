import { join, resolve } from 'node:path';
import { resolveUserPaths } from '@elmo/telemetry-core/node';
import { ELMO } from '../names.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The deployment folder: `--dir`, else `$ELMO_HOME` (blank counts as unset), else `~/.elmo` (SPEC §2); a relative
 * one is resolved against `cwd`. The one definition of the default, for the CLI, the web app and the worker.
 */
export function resolveDeploymentDir(options: { flag?: string; env: Env; homedir: string; cwd?: string }): string {
  const chosen = options.flag ?? options.env[ELMO.env.home]?.trim();
  if (chosen) return resolve(options.cwd ?? process.cwd(), chosen);
  return join(options.homedir, '.elmo');
}

/** Files of a deployment folder. */
export interface DeploymentPaths {
  dir: string;
  envFile: string;
  dataDir: string;
  /** The deployment's transparency log of telemetry events. */
  logFile: string;
  /** Version marker used to tell an install from an update (SPEC §5). */
  versionMarker: string;
  /** Events the web app or worker could not deliver before it stopped, sent after the next start (SPEC §7). */
  spoolFile: string;
}

/** Paths inside a deployment folder. */
export function deploymentPaths(dir: string): DeploymentPaths {
  const dataDir = join(dir, 'data');
  return {
    dir,
    envFile: join(dir, '.env'),
    dataDir,
    logFile: join(dataDir, 'telemetry-events.jsonl'),
    versionMarker: join(dataDir, 'elmo-version'),
    spoolFile: join(dataDir, 'telemetry-spool.jsonl'),
  };
}

/** Where the CLI keeps its user config and telemetry state (XDG). */
export interface CliPaths {
  configFile: string;
  stateDir: string;
  spoolFile: string;
  senderPidFile: string;
  /** When the CLI last started the detached sender (SPEC §7: not more than once a minute unless new events wait). */
  senderStartedFile: string;
  logFile: string;
  senderTraceFile: string;
}

/** The CLI's paths for a given environment and home folder. */
export function cliPaths(env: Env, homedir: string): CliPaths {
  const user = resolveUserPaths(ELMO.appName, env, homedir);
  return {
    configFile: user.configFile,
    stateDir: user.stateDir,
    spoolFile: join(user.stateDir, 'telemetry-spool.jsonl'),
    senderPidFile: join(user.stateDir, 'telemetry-sender.pid'),
    senderStartedFile: join(user.stateDir, 'telemetry-sender.started'),
    logFile: join(user.stateDir, 'telemetry-events.jsonl'),
    senderTraceFile: join(user.stateDir, 'telemetry-sender.log'),
  };
}
