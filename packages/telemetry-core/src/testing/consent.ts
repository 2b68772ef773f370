import { type ConsentDecision, DEFAULT_CONSENT } from '../consent.js';
import type { ConsentNames } from '../node/consent.js';

/** Consent on, as the resolver answers when nothing disabled it. */
export const CONSENT_ON: ConsentDecision = DEFAULT_CONSENT;

/** Consent off, as the resolver answers for an operator's kill switch. */
export const CONSENT_OFF: ConsentDecision = {
  enabled: false,
  mode: 'off',
  source: 'process-env',
  reason: 'disabled by the DO_NOT_TRACK environment variable',
  lockedBy: { kind: 'process-env', variable: 'DO_NOT_TRACK' },
};

/** A product's consent names, for tests of the core's rules with another product's vocabulary. */
export const TEST_CONSENT_NAMES: ConsentNames = {
  appName: 'acme',
  processEnv: { doNotTrack: 'DO_NOT_TRACK', disable: 'ACME_TELEMETRY_DISABLED', policyFile: 'ACME_TELEMETRY_POLICY' },
  defaultPolicyFile: '/etc/acme/telemetry.json',
  deploymentEnv: { doNotTrack: 'DO_NOT_TRACK', disable: 'ACME_TELEMETRY_DISABLED', mode: 'ACME_TELEMETRY_MODE' },
  userConfig: { disabled: 'telemetryDisabled', mode: 'telemetryMode', choice: 'telemetryChoice' },
  commands: { enable: 'acme telemetry enable', disable: 'acme telemetry disable' },
};
