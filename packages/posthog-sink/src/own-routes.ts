import type { IncomingMessage, ServerResponse } from 'node:http';
import { corsHeaders } from './cors.js';
import { renderEventsPage } from './events-page.js';
import { describeMode, type ModeController, type SinkMode } from './modes.js';
import { readBody } from './read-body.js';
import type { Recorder } from './recorder.js';
import { errorBody, sendJson } from './respond.js';
import type { RouteKind } from './routes.js';

const MAX_API_BODY = 64 * 1024;

/** Serves the sink's own demo page and JSON API (`/api/events`, `/api/mode`); these never obey the fault mode. */
export async function handleOwnRoute(
  route: RouteKind,
  req: IncomingMessage,
  res: ServerResponse,
  recorder: Recorder,
  modes: ModeController,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (route === 'events-page' && method === 'GET') {
    const html = renderEventsPage(recorder.events, describeMode(modes.current));
    res.writeHead(200, {
      ...corsHeaders(req),
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(html),
      'Cache-Control': 'no-store',
    });
    res.end(html);
    return;
  }
  if (route === 'api-events' && method === 'GET') return sendJson(req, res, 200, recorder.events);
  if (route === 'api-events' && method === 'DELETE') {
    const cleared = recorder.events.length;
    recorder.clear();
    return sendJson(req, res, 200, { cleared });
  }
  if (route === 'api-mode' && method === 'GET') {
    return sendJson(req, res, 200, { mode: modes.current, description: describeMode(modes.current) });
  }
  if (route === 'api-mode' && (method === 'PUT' || method === 'POST')) return setModeFromBody(req, res, modes);
  sendJson(req, res, 405, errorBody('validation_error', 'method_not_allowed', `${method} is not supported here`));
}

// Accepts `{"mode": "status:500"}`, `{"mode": {...spec}}` or a bare shorthand such as `hang`.
async function setModeFromBody(req: IncomingMessage, res: ServerResponse, modes: ModeController): Promise<void> {
  const { body } = await readBody(req, MAX_API_BODY);
  const text = body.toString('utf8').trim();
  try {
    const parsed: unknown = text.startsWith('{') ? JSON.parse(text) : { mode: text };
    const mode = (parsed as { mode?: unknown }).mode;
    if (mode === undefined) throw new Error('Expected {"mode": …}');
    modes.set(mode as SinkMode);
  } catch (error) {
    return sendJson(req, res, 400, errorBody('validation_error', 'invalid_mode', (error as Error).message));
  }
  sendJson(req, res, 200, { mode: modes.current, description: describeMode(modes.current) });
}
