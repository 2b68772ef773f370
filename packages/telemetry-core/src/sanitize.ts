import type { EventSpec, PropertySpec } from './catalog.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
// Versions come from package manifests (major.minor.patch) or a kernel release (major.minor); a prerelease tag is limited to the usual words so that no
// free text can ride along in a "version".
const VERSION = /^v?\d{1,6}\.\d{1,6}(?:\.\d{1,6})?(?:-(?:alpha|beta|rc|canary|next|dev|pre)(?:\.\d{1,6})*)?$/;

/** The result of sanitising: the properties that may leave, and the names of those dropped. */
export interface Sanitized {
  properties: Record<string, unknown>;
  dropped: string[];
}

/** Checks one value against its declared kind; returns the value to send, or undefined to drop it. */
export function coerceValue(spec: PropertySpec, value: unknown): unknown {
  switch (spec.kind) {
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value) ? value : undefined;
    case 'enum_list': {
      if (!Array.isArray(value) || value.length > spec.maxItems) return undefined;
      if (!value.every((item) => typeof item === 'string' && spec.values.includes(item))) return undefined;
      return [...new Set(value as string[])].sort();
    }
    case 'count':
      return Number.isSafeInteger(value) && (value as number) >= 0 ? value : undefined;
    case 'duration_ms':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
    case 'hours':
      return typeof value === 'number' && Number.isFinite(value) && value >= 0
        ? Math.round(value * 100) / 100
        : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'version':
      return typeof value === 'string' && VERSION.test(value) ? value.replace(/^v/, '') : undefined;
    case 'id':
      return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : undefined;
  }
}

/** Keeps only declared properties whose values fit their kind; everything else is dropped and named. */
export function sanitizeProperties(
  specs: Record<string, PropertySpec>,
  input: Readonly<Record<string, unknown>>,
): Sanitized {
  const properties: Record<string, unknown> = {};
  const dropped: string[] = [];
  for (const name in input) {
    if (!Object.hasOwn(input, name)) continue;
    const value = input[name];
    if (value === undefined) continue;
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    const coerced = spec ? coerceValue(spec, value) : undefined;
    if (coerced === undefined) dropped.push(name);
    else properties[name] = coerced;
  }
  return { properties, dropped };
}

/** Sanitises an event's own properties against its catalog entry. */
export function sanitizeEvent(event: EventSpec, input: Readonly<Record<string, unknown>>): Sanitized {
  return sanitizeProperties(event.properties, input);
}

/** Whether a string is a random UUID (the only identifier shape the core ever sends). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
