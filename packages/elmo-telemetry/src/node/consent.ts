import type { TelemetryMode } from '@elmo/telemetry-core';
import {
  type ChoiceTarget,
  type ConsentNames,
  type ConsentPlaces,
  type ConsentResolver,
  type ConsentResolverOptions,
  createConsentResolver,
  type FileChange,
  saveTelemetryChoice,
} from '@elmo/telemetry-core/node';
import { ELMO } from '../names.js';

/** Elmo's names for every consent setting of SPEC §2; the rules themselves live in the core. */
export const ELMO_CONSENT_NAMES = {
  appName: ELMO.appName,
  processEnv: { doNotTrack: ELMO.env.doNotTrack, disable: ELMO.env.disableTelemetry, policyFile: ELMO.env.policyFile },
  defaultPolicyFile: ELMO.defaultPolicyFile,
  deploymentEnv: {
    doNotTrack: ELMO.env.doNotTrack,
    disable: ELMO.env.disableTelemetry,
    mode: ELMO.env.telemetryMode,
  },
  userConfig: {
    disabled: ELMO.configKeys.telemetryDisabled,
    mode: ELMO.configKeys.telemetryMode,
    choice: ELMO.configKeys.telemetryChoice,
  },
  commands: { enable: `${ELMO.binary} telemetry enable`, disable: `${ELMO.binary} telemetry disable` },
} as const satisfies ConsentNames;

/** The deployment `.env` keys that only consent reads: `elmo start` never turns them into process variables. */
export const DEPLOYMENT_CONSENT_KEYS: readonly string[] = Object.values(ELMO_CONSENT_NAMES.deploymentEnv);

/** Elmo's consent resolver for one surface (SPEC §3). */
export function createElmoConsent(places: ConsentPlaces, options?: ConsentResolverOptions): ConsentResolver {
  return createConsentResolver(ELMO_CONSENT_NAMES, places, options);
}

/** Records a telemetry choice with Elmo's names: the one writer used by `init`, `telemetry …` and the settings page. */
export function saveElmoTelemetryChoice(mode: TelemetryMode, target: ChoiceTarget): FileChange[] {
  return saveTelemetryChoice(ELMO_CONSENT_NAMES, mode, target);
}
