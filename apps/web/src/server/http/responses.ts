// JSON responses and the one error shape every API route answers with: { error: { code, message, field? } }.

/** Stable error codes of the API. */
export type ApiErrorCode =
  | 'invalid_json'
  | 'invalid_input'
  | 'not_found'
  | 'payload_too_large'
  | 'unauthorized'
  | 'forbidden'
  | 'conflict'
  | 'internal';

/** An error a route throws to answer with `status` and a clear message. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A JSON response. */
export function json(data: unknown, status = 200): Response {
  return Response.json(data, { status, headers: { 'cache-control': 'no-store' } });
}

/** The JSON error response for an HttpError. */
export function errorResponse(error: HttpError): Response {
  const body = { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) };
  return json({ error: body }, error.status);
}

/** 404 for a thing that does not exist (or whose id is malformed, which names nothing either). */
export function notFound(what: string): HttpError {
  return new HttpError(404, 'not_found', `${what} not found.`);
}

/** 400 for a failed input check. */
export function invalid(check: { field: string; message: string }): HttpError {
  return new HttpError(400, 'invalid_input', check.message, check.field);
}

/** Reads the body as JSON, or throws 400 (malformed) / 413 (larger than `maxBytes`). */
export async function readJson(request: Request, maxBytes = 64 * 1024): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) throw tooLarge(maxBytes);
  if (text.trim() === '') throw new HttpError(400, 'invalid_json', 'The request body is empty; send a JSON object.');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON.');
  }
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'payload_too_large', `The request body is larger than ${maxBytes} bytes.`);
}

/** Returns the checked value, or throws the 400 for it. */
export function required<T>(check: { ok: true; value: T } | { ok: false; field: string; message: string }): T {
  if (!check.ok) throw invalid(check);
  return check.value;
}
