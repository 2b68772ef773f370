import {
  type ConsentDecision,
  type ConsentSource,
  envKillSwitch,
  isTruthy,
  resolveConsent,
} from '@elmo/telemetry-core';
import type { EnvFileState, JsonFileState } from '@elmo/telemetry-core/node';
import { ELMO } from './names.js';

/** What Elmo's consent depends on; each surface passes what it can see. */
export interface ElmoConsentInputs {
  /** The process environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** The deployment `.env`, read live; undefined when there is no deployment. */
  deploymentEnv?: EnvFileState;
  deploymentEnvPath?: string;
  /** The user config; the CLI passes it, the deployment does not. */
  userConfig?: JsonFileState;
  userConfigPath?: string;
  /** CI detected (CLI only). */
  isCI?: boolean;
}

// `telemetryDisabled` is written as a boolean; a hand-edited string is read with the one truthy parser, so
// that "yes" or "1" disable too (most restrictive wins) and "false" or "0" do not.
function isDisabledFlag(value: unknown): boolean {
  return value === true || (typeof value === 'string' && isTruthy(value));
}

function unreadable(state: EnvFileState | JsonFileState | undefined): boolean {
  return state?.status === 'corrupt' || state?.status === 'unreadable';
}

/** The ordered consent sources of SPEC §3, most restrictive first; the order here is the precedence. */
export function elmoConsentSources(inputs: ElmoConsentInputs): ConsentSource[] {
  const { env } = inputs;
  const deploymentEnv = inputs.deploymentEnv;
  const config = inputs.userConfig?.status === 'ok' ? inputs.userConfig.data : undefined;
  const envFile = inputs.deploymentEnvPath ?? 'the deployment .env';
  const configFile = inputs.userConfigPath ?? 'the user config';
  const choice = config?.[ELMO.configKeys.telemetryChoice];
  return [
    envKillSwitch(ELMO.env.doNotTrack, env),
    envKillSwitch(ELMO.env.disableTelemetry, env),
    {
      source: 'deployment-env',
      verdict: unreadable(deploymentEnv)
        ? { enabled: false, reason: `disabled because ${envFile} could not be read` }
        : deploymentEnv?.status === 'ok' && isTruthy(deploymentEnv.values[ELMO.env.disableTelemetry])
          ? { enabled: false, reason: `disabled by ${ELMO.env.disableTelemetry} in ${envFile}` }
          : undefined,
    },
    {
      source: 'user-config',
      verdict: unreadable(inputs.userConfig)
        ? { enabled: false, reason: `disabled because ${configFile} could not be read` }
        : isDisabledFlag(config?.[ELMO.configKeys.telemetryDisabled])
          ? { enabled: false, reason: `disabled by telemetryDisabled in ${configFile}` }
          : undefined,
    },
    {
      source: 'ci',
      verdict:
        inputs.isCI && choice !== 'enabled'
          ? { enabled: false, reason: 'disabled in CI because no explicit consent was recorded' }
          : undefined,
    },
  ];
}

/** Elmo's consent decision with its source and reason. */
export function resolveElmoConsent(inputs: ElmoConsentInputs): ConsentDecision {
  const decision = resolveConsent(elmoConsentSources(inputs));
  if (decision.source !== 'default') return decision;
  const explicit =
    inputs.userConfig?.status === 'ok' && inputs.userConfig.data[ELMO.configKeys.telemetryChoice] === 'enabled';
  return explicit
    ? { enabled: true, source: 'user-config', reason: 'enabled: you chose to share anonymous telemetry' }
    : decision;
}
