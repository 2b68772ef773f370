import { isTruthy } from './truthy.js';

/** What the resolver decided, where the decision came from, and a sentence a person understands. */
export interface ConsentDecision {
  enabled: boolean;
  source: string;
  reason: string;
}

/** One place consent can come from; `verdict` is undefined when this source has nothing to say. */
export interface ConsentSource {
  source: string;
  verdict: { enabled: boolean; reason: string } | undefined;
}

/** The decision when no source is decisive: telemetry is opt-out. */
export const DEFAULT_CONSENT: ConsentDecision = {
  enabled: true,
  source: 'default',
  reason: 'enabled by default (opt-out); nothing disabled it',
};

/**
 * Returns the first decisive source's verdict. The array order is the precedence, so callers write
 * their rules most restrictive first, exactly as their documentation lists them.
 */
export function resolveConsent(
  sources: readonly ConsentSource[],
  fallback: ConsentDecision = DEFAULT_CONSENT,
): ConsentDecision {
  for (const { source, verdict } of sources) {
    if (verdict) return { enabled: verdict.enabled, source, reason: verdict.reason };
  }
  return fallback;
}

/** A kill switch read from environment variables: truthy disables; environment never force-enables. */
export function envKillSwitch(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  where = 'environment variable',
): ConsentSource {
  return {
    source: `env:${name}`,
    verdict: isTruthy(env[name]) ? { enabled: false, reason: `disabled by the ${name} ${where}` } : undefined,
  };
}

/** A kill switch found in a file (such as a deployment `.env`): truthy disables. */
export function fileKillSwitch(
  name: string,
  values: Readonly<Record<string, string | undefined>> | undefined,
  file: string,
): ConsentSource {
  return {
    source: `file:${name}`,
    verdict:
      values && isTruthy(values[name]) ? { enabled: false, reason: `disabled by ${name} in ${file}` } : undefined,
  };
}
