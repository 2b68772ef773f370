import { gunzipSync } from 'node:zlib';

/** The decoded body of a capture request, or why it could not be decoded (400, or 413 when it inflates too far). */
export type DecodeResult =
  | { ok: true; text: string; payload: unknown }
  | { ok: false; status: 400 | 413; text?: string; detail: string };

/** Request facts that tell how a body was encoded. */
export interface EncodingHints {
  contentEncoding?: string | undefined;
  contentType?: string | undefined;
}

/** Decodes a body the way PostHog capture does: gzip (by magic bytes or header), form `data=` (base64 or not), JSON. */
export function decodeBody(body: Buffer, hints: EncodingHints, maxBytes: number): DecodeResult {
  let bytes = body;
  const hasMagic = body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
  const declaredGzip = /\bgzip\b/i.test(hints.contentEncoding ?? '');
  // posthog-js sends gzip as text/plain with no Content-Encoding (only `?compression=gzip-js`), so the magic
  // bytes are the reliable signal; a body without them is read as text whatever the query claims.
  if (hasMagic || declaredGzip) {
    try {
      bytes = gunzipSync(body, { maxOutputLength: maxBytes });
    } catch (error) {
      if (error instanceof RangeError) return { ok: false, status: 413, detail: 'Body inflates beyond the size limit' };
      return { ok: false, status: 400, detail: 'Body is not valid gzip' };
    }
  }
  let text = bytes.toString('utf8');
  if (isForm(text, hints.contentType)) {
    const data = new URLSearchParams(text).get('data');
    if (data === null) return { ok: false, status: 400, text, detail: 'Form body has no data field' };
    text = looksLikeJson(data) ? data : Buffer.from(data, 'base64').toString('utf8');
  }
  try {
    return { ok: true, text, payload: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400, text, detail: 'Body is not valid JSON' };
  }
}

// Tools like curl label JSON as form data, so a form content type only counts when the body is not JSON.
function isForm(text: string, contentType: string | undefined): boolean {
  if (text.startsWith('data=')) return true;
  return /application\/x-www-form-urlencoded/i.test(contentType ?? '') && !looksLikeJson(text);
}

function looksLikeJson(value: string): boolean {
  const first = value.trimStart()[0];
  return first === '{' || first === '[';
}
