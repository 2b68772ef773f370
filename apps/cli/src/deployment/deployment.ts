import { type DeploymentPaths, deploymentPaths, resolveDeploymentDir } from '@elmo/elmo-telemetry/node';
import { type EnvFileState, readEnvFile } from '@elmo/telemetry-core/node';
import type { CliDeps } from '../deps.js';

/** A deployment folder as found on disk: it exists when its `.env` does. */
export interface Deployment {
  paths: DeploymentPaths;
  env: EnvFileState;
  exists: boolean;
  /** The `.env` values, empty when it is missing or unreadable. */
  values: Readonly<Record<string, string>>;
}

/** The deployment folder a command works on: `--dir`, else `$ELMO_HOME`, else `~/.elmo`. */
export function deploymentDirFor(deps: Pick<CliDeps, 'env' | 'homedir' | 'cwd'>, flag: string | undefined): string {
  return resolveDeploymentDir({ flag, env: deps.env, homedir: deps.homedir, cwd: deps.cwd });
}

/** Reads the deployment at `dir` (its `.env`), without creating anything. */
export function readDeployment(dir: string): Deployment {
  const paths = deploymentPaths(dir);
  const env = readEnvFile(paths.envFile);
  return {
    paths,
    env,
    exists: env.status !== 'missing',
    values: env.status === 'ok' ? env.values : {},
  };
}

/** Whether a file state means "there, but not usable": corrupt or unreadable. */
export function isUnusable(state: { status: string }): state is { status: 'corrupt' | 'unreadable'; message: string } {
  return state.status === 'corrupt' || state.status === 'unreadable';
}
