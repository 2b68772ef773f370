import type { ConsentDecision } from '../consent.js';
import { type JsonFileState, updateJsonFile } from './json-file.js';

// The first-run notice (SPEC §3): shown once per consent version, on a run that then sends nothing. The
// product says where it keeps the version last shown (a key of its user config) and what the notice says.

/** The consent version whose notice this config has seen (0 when none). */
export function shownNoticeVersion(config: JsonFileState, key: string): number {
  const value = config.status === 'ok' ? config.data[key] : undefined;
  return typeof value === 'number' && Number.isInteger(value) ? value : 0;
}

/**
 * Whether the notice is due: telemetry is on, the config is usable (a corrupt one is never overwritten just to
 * remember the notice; the consent rules already turned telemetry off), and the notice for `consentVersion`
 * was never shown. An explicit choice should record the version too, so that the notice only comes back when
 * the consent version is raised.
 */
export function isNoticeDue(config: JsonFileState, decision: ConsentDecision, notice: NoticeVersion): boolean {
  if (!decision.enabled) return false;
  if (config.status !== 'ok' && config.status !== 'missing') return false;
  return shownNoticeVersion(config, notice.key) < notice.consentVersion;
}

/** Where a product keeps the version of the notice last shown, and the version now due. */
export interface NoticeVersion {
  /** The key of the user config. */
  key: string;
  consentVersion: number;
}

/** The config keys that record the notice as shown, never lowering a version already recorded. */
export function noticeShownKeys(data: Record<string, unknown>, notice: NoticeVersion): Record<string, number> {
  return { [notice.key]: Math.max(shownNoticeVersion({ status: 'ok', data }, notice.key), notice.consentVersion) };
}

/** Records that the notice for the due version was shown. */
export function recordNoticeShown(configFile: string, notice: NoticeVersion): void {
  updateJsonFile(configFile, (data) => ({ ...data, ...noticeShownKeys(data, notice) }));
}
