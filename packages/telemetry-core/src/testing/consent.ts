import { type ConsentDecision, DEFAULT_CONSENT } from '../consent.js';

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
