import type { IncomingMessage } from 'node:http';

/** CORS headers for every answer: posthog-js posts cross-origin with credentials, so the Origin is echoed. */
export function corsHeaders(req: IncomingMessage): Record<string, string> {
  const origin = req.headers.origin;
  if (origin === undefined) return { 'Access-Control-Allow-Origin': '*' };
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' };
}

/** Extra headers for an OPTIONS preflight: allow whatever the browser asks to send. */
export function preflightHeaders(req: IncomingMessage): Record<string, string> {
  const requested = req.headers['access-control-request-headers'];
  return {
    'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': typeof requested === 'string' && requested !== '' ? requested : 'Content-Type',
    'Access-Control-Max-Age': '600',
  };
}
