// Input rules shared by the API (authoritative) and the forms (for immediate feedback). No server-only imports.

/** Longest brand name, in characters. */
export const BRAND_NAME_MAX = 80;
/** Longest prompt text, in characters. */
export const PROMPT_TEXT_MAX = 2000;

/** Outcome of a check: the cleaned value, or the field at fault and a sentence for a person. */
export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const fail = (field: string, message: string): { ok: false; field: string; message: string } => ({
  ok: false,
  field,
  message,
});

// Counts user-perceived characters closely enough for limits: code points, so an emoji counts once.
const length = (text: string): number => [...text].length;

function checkText(value: unknown, field: string, label: string, max: number): Checked<string> {
  if (typeof value !== 'string') return fail(field, `${label} must be a string.`);
  const text = value.trim();
  if (text.length === 0) return fail(field, `${label} is required.`);
  const size = length(text);
  if (size > max) return fail(field, `${label} must be at most ${max} characters (it has ${size}).`);
  return { ok: true, value: text };
}

/** A brand name: 1–80 characters after trimming. */
export function checkBrandName(value: unknown): Checked<string> {
  return checkText(value, 'name', 'Brand name', BRAND_NAME_MAX);
}

/** A prompt text: 1–2000 characters after trimming. */
export function checkPromptText(value: unknown): Checked<string> {
  return checkText(value, 'text', 'Prompt text', PROMPT_TEXT_MAX);
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a request body of the form `{ [field]: … }` with the given rule. */
export function checkBody<T>(body: unknown, field: string, rule: (value: unknown) => Checked<T>): Checked<T> {
  if (!isRecord(body)) return fail(field, `The request body must be a JSON object with "${field}".`);
  if (!(field in body)) return fail(field, `"${field}" is required.`);
  return rule(body[field]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID as the database issues them; anything else cannot name a row. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** A UUID that names a row (e.g. `brandId`). */
export function checkId(value: unknown, field: string): Checked<string> {
  return isUuid(value) ? { ok: true, value: value.toLowerCase() } : fail(field, `"${field}" must be an id (UUID).`);
}

/** A stable error code from a worker: lower snake case, at most 64 characters. */
export function checkErrorCode(value: unknown): Checked<string> {
  return typeof value === 'string' && /^[a-z][a-z0-9_]{0,63}$/.test(value)
    ? { ok: true, value }
    : fail('errorCode', '"errorCode" must be a lower snake case code of at most 64 characters.');
}

/** A worker's id: 1–100 letters, digits and `._:-`. */
export function checkWorkerId(value: unknown): Checked<string> {
  return typeof value === 'string' && /^[A-Za-z0-9._:-]{1,100}$/.test(value)
    ? { ok: true, value }
    : fail('workerId', '"workerId" must be 1–100 letters, digits, dots, dashes, underscores or colons.');
}
