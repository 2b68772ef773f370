import { homedir } from 'node:os';
import { SENDER_ENV_ALLOWLIST, SENDER_ENV_ALLOWLIST_WINDOWS } from '@elmo/telemetry-core/node';
import ciInfo from 'ci-info';
import { ACME, ACME_CONSENT_NAMES } from './names.js';

/** The process environment as acme sees it: only the variables it reads. */
export type Env = Readonly<Record<string, string | undefined>>;

// Telemetry depends on nothing else in the environment, so nothing else is passed around.
const READ = [
  ...Object.values(ACME_CONSENT_NAMES.processEnv),
  ACME.env.posthogHost,
  ACME.env.posthogKey,
  'XDG_CONFIG_HOME',
  'XDG_STATE_HOME',
  // Handed to the detached sender so that it reaches the endpoint through the same TLS setup (the core's list).
  ...SENDER_ENV_ALLOWLIST,
  ...SENDER_ENV_ALLOWLIST_WINDOWS,
];

/** The one module that reads process.env (and, through ci-info, whether this is CI). */
export function readEnv(): { env: Env; homedir: string; isCI: boolean } {
  return {
    env: Object.fromEntries(READ.map((name) => [name, process.env[name]])),
    homedir: homedir(),
    isCI: ciInfo.isCI,
  };
}
