import { ELMO } from '@elmo/elmo-telemetry';
import { isUuid } from '@elmo/telemetry-core';
import { readJsonFile, updateJsonFile } from '@elmo/telemetry-core/node';

const KEY = ELMO.configKeys.installId;

/** The install id saved in the user config, if it holds a valid one. */
export function readInstallId(configFile: string): string | undefined {
  const state = readJsonFile(configFile);
  const value = state.status === 'ok' ? state.data[KEY] : undefined;
  return isUuid(value) ? value : undefined;
}

/**
 * The install id, created and saved (under the config's lock, atomically) if missing. Called only when an
 * event is about to be queued, so a disabled CLI never creates one. Concurrent first runs agree on one id.
 */
export function ensureInstallId(configFile: string, uuid: () => string): string {
  const existing = readInstallId(configFile);
  if (existing) return existing;
  const saved = updateJsonFile(configFile, (data) => (isUuid(data[KEY]) ? data : { ...data, [KEY]: uuid() }));
  return saved[KEY] as string;
}

/** Replaces the install id with a new one (`elmo telemetry reset-id`). */
export function replaceInstallId(configFile: string, uuid: () => string): string {
  const id = uuid();
  updateJsonFile(configFile, (data) => ({ ...data, [KEY]: id }));
  return id;
}

/** Removes the install id (reset while telemetry is off: no new id is created). */
export function removeInstallId(configFile: string): boolean {
  let removed = false;
  updateJsonFile(configFile, (data) => {
    removed = KEY in data;
    const { [KEY]: _gone, ...rest } = data;
    return rest;
  });
  return removed;
}

/** The first 8 characters of an id, for text output. */
export function maskId(id: string): string {
  return `${id.slice(0, 8)}…`;
}
