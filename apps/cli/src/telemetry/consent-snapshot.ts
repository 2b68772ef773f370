import { statSync } from 'node:fs';
import { resolveElmoConsent } from '@elmo/elmo-telemetry';
import { type CliPaths, cliPaths, deploymentPaths } from '@elmo/elmo-telemetry/node';
import type { ConsentDecision } from '@elmo/telemetry-core';
import { type EnvFileState, type JsonFileState, readEnvFile, readJsonFile } from '@elmo/telemetry-core/node';
import type { CliDeps } from '../deps.js';

/** Consent as decided now, with the file states it was decided from (for `telemetry status` and warnings). */
export interface ConsentSnapshot {
  decision: ConsentDecision;
  paths: CliPaths;
  config: JsonFileState;
  envPath: string;
  deploymentEnv: EnvFileState;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Reads the user config and the deployment `.env` and resolves consent (SPEC §3). A home folder that does
 * not exist turns telemetry off for the run: the CLI never creates someone's home just to keep an id in it.
 */
export function readConsentSnapshot(
  deps: Pick<CliDeps, 'env' | 'homedir' | 'isCI'>,
  deploymentDir: string,
): ConsentSnapshot {
  const paths = cliPaths(deps.env, deps.homedir);
  const envPath = deploymentPaths(deploymentDir).envFile;
  const config = readJsonFile(paths.configFile);
  const deploymentEnv = readEnvFile(envPath);
  let decision = resolveElmoConsent({
    env: deps.env,
    deploymentEnv,
    deploymentEnvPath: envPath,
    userConfig: config,
    userConfigPath: paths.configFile,
    isCI: deps.isCI,
  });
  if (decision.enabled && !isDirectory(deps.homedir)) {
    decision = {
      enabled: false,
      source: 'home',
      reason: deps.homedir
        ? `disabled for this run because the home folder ${deps.homedir} does not exist`
        : 'disabled for this run because no home folder is set (HOME is empty)',
    };
  }
  return { decision, paths, config, envPath, deploymentEnv };
}
