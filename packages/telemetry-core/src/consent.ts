/** How much telemetry may do: send (`on`), record in the local log only (`local`), or nothing (`off`). */
export type TelemetryMode = 'on' | 'local' | 'off';

/** Where a consent decision came from, in the order the rules are asked (SPEC §3). */
export type ConsentSourceKind =
  | 'policy'
  | 'process-env'
  | 'deployment-env'
  | 'user-config'
  | 'ci'
  | 'home'
  | 'run'
  | 'error'
  | 'default';

/**
 * A setting that forces the decision and that the deployment's own switch cannot change: the machine policy,
 * an operator's process variable, a hand-written kill switch or an unusable file, or the user's own
 * `telemetry disable` (changed only by the CLI's `telemetry enable`).
 */
export type ConsentLock =
  | { kind: 'policy'; file: string }
  | { kind: 'process-env'; variable: string }
  | { kind: 'deployment-env'; variable: string; file: string }
  | { kind: 'user-config'; file: string }
  | { kind: 'unusable-file'; file: string };

/** What the resolver decided, where the decision came from, and a sentence a person understands. */
export interface ConsentDecision {
  enabled: boolean;
  mode: TelemetryMode;
  source: ConsentSourceKind;
  reason: string;
  lockedBy: ConsentLock | null;
}

/** What one rule says; undefined when it has nothing to say. */
export interface ConsentVerdict {
  mode: TelemetryMode;
  source: ConsentSourceKind;
  reason: string;
  lockedBy?: ConsentLock;
}

/** The decision when no rule is decisive: telemetry is opt-out. */
export const DEFAULT_CONSENT: ConsentDecision = {
  enabled: true,
  mode: 'on',
  source: 'default',
  reason: 'enabled by default (opt-out); nothing disabled it',
  lockedBy: null,
};

const RESTRICTION: Record<TelemetryMode, number> = { off: 2, local: 1, on: 0 };

/**
 * The most restrictive verdict wins; among verdicts equally restrictive, the first in the list. So the list
 * order is the precedence people read in the documentation, and a cap (a machine policy of `local`) never
 * loosens a stricter rule further down.
 */
export function decideConsent(
  verdicts: readonly (ConsentVerdict | undefined)[],
  fallback: ConsentDecision = DEFAULT_CONSENT,
): ConsentDecision {
  let winner: ConsentVerdict | undefined;
  for (const verdict of verdicts) {
    if (verdict && (!winner || RESTRICTION[verdict.mode] > RESTRICTION[winner.mode])) winner = verdict;
  }
  if (!winner) return fallback;
  return {
    enabled: winner.mode === 'on',
    mode: winner.mode,
    source: winner.source,
    reason: winner.reason,
    lockedBy: winner.lockedBy ?? null,
  };
}

/** A decision that keeps telemetry off, for a consent source that failed. */
export function consentUnavailable(reason: string): ConsentDecision {
  return { enabled: false, mode: 'off', source: 'error', reason, lockedBy: null };
}

/** Describes a lock for people: what forces the decision and how it can be changed. */
export function describeLock(lock: ConsentLock, enableCommand: string): string {
  switch (lock.kind) {
    case 'policy':
      return `the machine policy ${lock.file} (an administrator's setting)`;
    case 'process-env':
      return `the ${lock.variable} environment variable of the process`;
    case 'deployment-env':
      return `${lock.variable} in ${lock.file} (remove that line to change it)`;
    case 'user-config':
      return `your choice in ${lock.file} (\`${enableCommand}\` changes it)`;
    case 'unusable-file':
      return `${lock.file}, which cannot be read (fix or delete it)`;
  }
}
