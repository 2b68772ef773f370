import { isUuid } from '../sanitize.js';
import { readJsonFile, updateJsonFile } from './json-file.js';

// The install id (SPEC §4): a random UUID kept under one key of the product's user config. Every write goes
// through the config's lock and an atomic replace, so concurrent first runs agree on one id.

/** The install id saved under `key` in the user config, if it holds a valid one. */
export function readInstallId(configFile: string, key: string): string | undefined {
  const state = readJsonFile(configFile);
  const value = state.status === 'ok' ? state.data[key] : undefined;
  return isUuid(value) ? value : undefined;
}

/**
 * The install id, created and saved if missing. Call it only when an event is about to be queued, so that a
 * product with telemetry off never creates one. Throws when the config cannot be written.
 */
export function ensureInstallId(configFile: string, key: string, uuid: () => string): string {
  const existing = readInstallId(configFile, key);
  if (existing) return existing;
  const saved = updateJsonFile(configFile, (data) => (isUuid(data[key]) ? data : { ...data, [key]: uuid() }));
  return saved[key] as string;
}

/** Replaces the install id with a new one (a `telemetry reset-id` command). */
export function replaceInstallId(configFile: string, key: string, uuid: () => string): string {
  const id = uuid();
  updateJsonFile(configFile, (data) => ({ ...data, [key]: id }));
  return id;
}

/** Removes the install id (a reset while telemetry is off creates no new one); answers whether there was one. */
export function removeInstallId(configFile: string, key: string): boolean {
  let removed = false;
  updateJsonFile(configFile, (data) => {
    removed = key in data;
    const { [key]: _gone, ...rest } = data;
    return rest;
  });
  return removed;
}

/** The first 8 characters of an id, for text output. */
export function maskId(id: string): string {
  return `${id.slice(0, 8)}…`;
}
