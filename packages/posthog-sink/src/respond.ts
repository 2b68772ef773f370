import type { IncomingMessage, ServerResponse } from 'node:http';
import { corsHeaders } from './cors.js';

/** PostHog-style error body: `{type, code, detail}`. */
export interface ErrorBody {
  type: string;
  code: string;
  detail: string;
}

/** Writes a JSON answer with CORS headers. */
export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...corsHeaders(req),
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Builds an error body of the given type. */
export function errorBody(type: string, code: string, detail: string): ErrorBody {
  return { type, code, detail };
}
