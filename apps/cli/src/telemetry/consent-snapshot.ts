import { type CliPaths, cliPaths, createElmoConsent, deploymentPaths } from '@elmo/elmo-telemetry/node';
import type { ConsentDecision } from '@elmo/telemetry-core';
import type { ConsentResolver, EnvFileState, JsonFileState } from '@elmo/telemetry-core/node';
import type { CliDeps } from '../deps.js';

/** Consent as decided now, with the file states it was decided from (for `telemetry status` and warnings). */
export interface ConsentSnapshot {
  decision: ConsentDecision;
  paths: CliPaths;
  config: JsonFileState;
  envPath: string;
  deploymentEnv: EnvFileState;
}

/**
 * The CLI's consent resolver for a deployment folder: the core's one ordered list, with Elmo's names. A run asks it
 * a handful of times within milliseconds: a file is read again only when it changed (its stat says so).
 */
export function cliConsent(deps: Pick<CliDeps, 'env' | 'homedir' | 'isCI'>, deploymentDir: string): ConsentResolver {
  return createElmoConsent(
    {
      surface: 'cli',
      env: deps.env,
      homedir: deps.homedir,
      deploymentEnvFile: deploymentPaths(deploymentDir).envFile,
      // Read when the CI rule is asked, so that CI detection is loaded only by a run that decides consent.
      get isCI() {
        return deps.isCI;
      },
    },
    { reuseUnchanged: true },
  );
}

/** Asks a resolver and returns its decision with the files it read. */
export function snapshotOf(resolver: ConsentResolver, paths: CliPaths): ConsentSnapshot {
  const decision = resolver.decide();
  const files = resolver.files();
  return {
    decision,
    paths,
    config: files.userConfig,
    envPath: files.deploymentEnvFile ?? '',
    deploymentEnv: files.deploymentEnv,
  };
}

/** Reads the user config and the deployment `.env` and resolves consent (SPEC §3). */
export function readConsentSnapshot(
  deps: Pick<CliDeps, 'env' | 'homedir' | 'isCI'>,
  deploymentDir: string,
): ConsentSnapshot {
  return snapshotOf(cliConsent(deps, deploymentDir), cliPaths(deps.env, deps.homedir));
}
