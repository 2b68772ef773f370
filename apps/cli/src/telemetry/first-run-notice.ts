import { ELMO, elmoCatalog } from '@elmo/elmo-telemetry';
import type { ConsentDecision } from '@elmo/telemetry-core';
import type { JsonFileState } from '@elmo/telemetry-core/node';

/** The consent version whose notice this config has seen (0 when none). */
export function shownNoticeVersion(config: JsonFileState): number {
  const value = config.status === 'ok' ? config.data[ELMO.configKeys.noticeVersion] : undefined;
  return typeof value === 'number' && Number.isInteger(value) ? value : 0;
}

/**
 * Whether the first-run notice is due (SPEC §3): telemetry is on, the config is usable, and the notice for
 * the catalog's current consent version was never shown. An explicit choice (`init`, `telemetry enable`)
 * records the version too, so the notice only reappears when the consent version is raised.
 */
export function isNoticeDue(
  config: JsonFileState,
  decision: ConsentDecision,
  consentVersion = elmoCatalog.consentVersion,
): boolean {
  if (!decision.enabled) return false;
  if (config.status !== 'ok' && config.status !== 'missing') return false;
  return shownNoticeVersion(config) < consentVersion;
}
