import { join } from 'node:path';

/** Where a CLI keeps its user config and state, following the XDG base directory rules. */
export interface UserPaths {
  configDir: string;
  configFile: string;
  stateDir: string;
}

/** Resolves XDG paths for an app from the given environment and home folder (both injectable for tests). */
export function resolveUserPaths(
  appName: string,
  env: Readonly<Record<string, string | undefined>>,
  homedir: string,
): UserPaths {
  const configHome = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir, '.config');
  const stateHome = env.XDG_STATE_HOME?.startsWith('/') ? env.XDG_STATE_HOME : join(homedir, '.local', 'state');
  const configDir = join(configHome, appName);
  return { configDir, configFile: join(configDir, 'config.json'), stateDir: join(stateHome, appName) };
}
