import type { EventSpec, PropertyKind, PropertySpec } from './catalog.js';

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
    case 'rows':
      return coerceRows(spec, value);
  }
}

/**
 * A `rows` value: at most `maxRows` records, each keeping only its declared columns whose values fit their kind.
 * A row that is not a plain record, or keeps no column, is dropped, and so is every row past the bound. Undefined
 * (the property is dropped) when the value is not a list or no row is left.
 */
function coerceRows(spec: Extract<PropertyKind, { kind: 'rows' }>, value: unknown): unknown {
  if (!Array.isArray(value)) return undefined;
  const rows: Record<string, unknown>[] = [];
  const length = Math.min(value.length, spec.maxRows);
  for (let i = 0; i < length; i += 1) {
    const row: unknown = value[i];
    if (typeof row !== 'object' || row === null || Array.isArray(row)) continue;
    const kept: Record<string, unknown> = {};
    let columns = 0;
    // Only the declared names are read, so an inherited or odd key (`__proto__`) never reaches the output.
    for (const name in spec.columns) {
      if (!Object.hasOwn(row, name)) continue;
      const coerced = coerceValue(spec.columns[name] as PropertySpec, (row as Record<string, unknown>)[name]);
      if (coerced === undefined) continue;
      kept[name] = coerced;
      columns += 1;
    }
    if (columns > 0) rows.push(kept);
  }
  return rows.length > 0 ? rows : undefined;
}

/** Keeps only declared properties whose values fit their kind; everything else is dropped and named. */
export function sanitizeProperties(
  specs: Record<string, PropertySpec>,
  input: Readonly<Record<string, unknown>>,
): Sanitized {
  const properties: Record<string, unknown> = {};
  return { properties, dropped: sanitizeInto(specs, input, properties) ?? [] };
}

/**
 * Like sanitizeProperties, but writes what may leave into `target` (so that tracking builds each event's
 * properties once, on top of the common ones); returns the names dropped, or undefined when none were.
 */
export function sanitizeInto(
  specs: Record<string, PropertySpec>,
  input: Readonly<Record<string, unknown>>,
  target: Record<string, unknown>,
): string[] | undefined {
  let dropped: string[] | undefined;
  for (const name in input) {
    if (!Object.hasOwn(input, name)) continue;
    const value = input[name];
    if (value === undefined) continue;
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    const coerced = spec ? coerceValue(spec, value) : undefined;
    if (coerced !== undefined) target[name] = coerced;
    else if (dropped) dropped.push(name);
    else dropped = [name];
  }
  return dropped;
}

/** Sanitises an event's own properties against its catalog entry. */
export function sanitizeEvent(event: EventSpec, input: Readonly<Record<string, unknown>>): Sanitized {
  return sanitizeProperties(event.properties, input);
}

/** Whether a string is a random UUID (the only identifier shape the core ever sends). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
