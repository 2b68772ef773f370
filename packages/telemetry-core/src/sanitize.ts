import type { EventSpec, PropertyKind, PropertySpec } from './catalog.js';

// The two shapes below are checked by hand rather than by regular expressions. V8 compiles a regular expression on
// its first use and again, to machine code, on its second: the UUID and version patterns took ~0.5 ms of every CLI
// run that records an event (measured here). sanitize.test.ts holds each pattern
// and checks these functions against it on generated strings.

const CODE_0 = 48;
const CODE_9 = 57;
const CODE_LOWER_A = 97;
const CODE_LOWER_F = 102;
const CODE_UPPER_A = 65;
const CODE_UPPER_F = 70;
const CODE_HYPHEN = 45;
const CODE_DOT = 46;

function isDigitAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= CODE_0 && code <= CODE_9;
}

function isHexAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return (
    (code >= CODE_0 && code <= CODE_9) ||
    (code >= CODE_LOWER_A && code <= CODE_LOWER_F) ||
    (code >= CODE_UPPER_A && code <= CODE_UPPER_F)
  );
}

/**
 * A random UUID in any letter case: `xxxxxxxx-xxxx-Vxxx-Nxxx-xxxxxxxxxxxx` in hex digits, version V 1–8, variant N
 * 8, 9, a or b (the pattern `^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, case-blind).
 */
function isUuidText(text: string): boolean {
  if (text.length !== 36) return false;
  for (let i = 0; i < 36; i += 1) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (text.charCodeAt(i) !== CODE_HYPHEN) return false;
    } else if (!isHexAt(text, i)) return false;
  }
  const version = text.charCodeAt(14);
  // 8, 9, a or b. The character is a hex digit (checked above): with the lower-case bit set, 'A' and 'B' read as 'a'
  // and 'b', and a digit stays itself.
  const variant = text.charCodeAt(19) | 0x20;
  const variantOk =
    variant === CODE_0 + 8 || variant === CODE_0 + 9 || variant === CODE_LOWER_A || variant === CODE_LOWER_A + 1;
  return version >= CODE_0 + 1 && version <= CODE_0 + 8 && variantOk;
}

// Versions come from package manifests (major.minor.patch) or a kernel release (major.minor); a prerelease tag is
// limited to the usual words so that no free text can ride along in a "version". None of them begins another.
const PRERELEASE_WORDS = ['alpha', 'beta', 'rc', 'canary', 'next', 'dev', 'pre'];

/** The end of a run of 1–6 digits starting at `start`, or -1 when there is none there. */
function digitsEnd(text: string, start: number): number {
  let end = start;
  while (end < text.length && end - start < 7 && isDigitAt(text, end)) end += 1;
  return end === start || end - start > 6 ? -1 : end;
}

/**
 * `[v]major.minor[.patch][-word(.n)*]`, each number 1–6 digits, the word one of PRERELEASE_WORDS (the pattern
 * `^v?\d{1,6}\.\d{1,6}(?:\.\d{1,6})?(?:-(?:alpha|beta|rc|canary|next|dev|pre)(?:\.\d{1,6})*)?$`).
 */
function isVersionText(text: string): boolean {
  let at = text.startsWith('v') ? 1 : 0;
  at = digitsEnd(text, at);
  if (at === -1 || text.charCodeAt(at) !== CODE_DOT) return false;
  at = digitsEnd(text, at + 1);
  if (at === -1) return false;
  if (text.charCodeAt(at) === CODE_DOT) {
    at = digitsEnd(text, at + 1);
    if (at === -1) return false;
  }
  if (at === text.length) return true;
  if (text.charCodeAt(at) !== CODE_HYPHEN) return false;
  const word = PRERELEASE_WORDS.find((candidate) => text.startsWith(candidate, at + 1));
  if (!word) return false;
  at += 1 + word.length;
  while (at < text.length) {
    if (text.charCodeAt(at) !== CODE_DOT) return false;
    at = digitsEnd(text, at + 1);
    if (at === -1) return false;
  }
  return true;
}

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
      if (typeof value !== 'string' || !isVersionText(value)) return undefined;
      return value.startsWith('v') ? value.slice(1) : value;
    case 'id':
      return typeof value === 'string' && isUuidText(value) ? value.toLowerCase() : undefined;
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
  return typeof value === 'string' && isUuidText(value);
}
