import type { IncomingMessage, ServerResponse } from 'node:http';
import { extractEvents, listEvents, type ReceivedEvent } from './capture.js';
import { corsHeaders, preflightHeaders } from './cors.js';
import { type DecodeResult, decodeBody } from './decode.js';
import { describeMode, type ModeController } from './modes.js';
import { handleOwnRoute } from './own-routes.js';
import { readBody } from './read-body.js';
import type { ReceivedRequest, Recorder } from './recorder.js';
import { errorBody, sendJson } from './respond.js';
import { isOwnRoute, matchRoute } from './routes.js';

/** What the request handler needs from the sink that owns it. */
export interface HandlerDeps {
  recorder: Recorder;
  modes: ModeController;
  maxBodyBytes: number;
  token?: string | undefined;
  now: () => number;
  /** Waits for `slow` mode; the sink cancels these timers on close. */
  delay: (ms: number) => Promise<void>;
  onEvent?: ((event: ReceivedEvent) => void) | undefined;
  onRequest?: ((request: ReceivedRequest) => void) | undefined;
}

const OK_BODY = { status: 1 };
const FLAGS_BODY = { flags: {}, errorsWhileComputingFlags: false };

/** Builds the node:http request listener that speaks PostHog's capture protocol. */
export function createHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendJson(req, res, 500, errorBody('server_error', 'sink_error', String(error)));
    });
  };
}

async function handle(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sink.invalid');
  const route = matchRoute(url.pathname);
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS' && isOwnRoute(route)) return preflight(req, res);
  if (isOwnRoute(route)) return handleOwnRoute(route, req, res, deps.recorder, deps.modes);

  const received = await readBody(req, deps.maxBodyBytes);
  const request = deps.recorder.addRequest({
    method,
    path: url.pathname,
    url: req.url ?? '/',
    headers: req.headers,
    body: received.body,
    outcome: 'pending',
    accepted: 0,
    receivedAt: deps.now(),
  });
  const end = (outcome: 'hung' | 'reset' | 'aborted') => {
    request.outcome = outcome;
    settle(deps, request);
  };
  const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
    request.status = status;
    request.outcome = 'answered';
    sendJson(req, res, status, body, headers);
    settle(deps, request);
  };
  if (received.aborted) return end('aborted');

  const decoded = method === 'POST' && received.body.length > 0 ? decode(received.body, req, deps) : undefined;
  if (decoded?.text !== undefined) request.text = decoded.text;
  if (decoded?.ok) request.payload = decoded.payload;

  if (method === 'OPTIONS') {
    request.status = 204;
    request.outcome = 'answered';
    preflight(req, res);
    return settle(deps, request);
  }
  if (route === 'not-found' || route === 'remote-config') {
    return answer(404, errorBody('not_found', 'not_found', `No route for ${url.pathname}`));
  }
  if (method !== 'POST') {
    return answer(405, errorBody('validation_error', 'method_not_allowed', 'Use POST'), { Allow: 'POST, OPTIONS' });
  }
  if (route === 'flags') return answer(200, FLAGS_BODY);
  if (route === 'recording') return answer(200, OK_BODY);
  if (received.tooLarge) return answer(413, errorBody('validation_error', 'payload_too_large', 'Body too large'));

  const behaviour = deps.modes.take(decoded?.ok ? listEvents(decoded.payload).items.length : 0);
  // Hang keeps the socket open without answering; close() destroys it.
  if (behaviour.kind === 'hang') return end('hung');
  if (behaviour.kind === 'reset') {
    // A TCP RST, so the client sees ECONNRESET rather than a clean close.
    req.socket.resetAndDestroy();
    return end('reset');
  }
  let okStatus = 200;
  if (behaviour.kind === 'status') {
    const failing = behaviour.status < 200 || behaviour.status > 299;
    const detail = `The sink is in mode ${describeMode(behaviour)}`;
    if (failing) return answer(behaviour.status, errorBody('sink_mode', 'sink_mode', detail), behaviour.headers);
    okStatus = behaviour.status;
  }
  if (behaviour.kind === 'slow') {
    await deps.delay(behaviour.delayMs);
    // A client that gave up was never told its events were accepted, so they are not recorded.
    if (res.destroyed || req.socket.destroyed) return end('aborted');
  }

  if (decoded === undefined) return answer(400, errorBody('validation_error', 'empty_body', 'Empty body'));
  if (!decoded.ok) {
    const code = decoded.status === 413 ? 'payload_too_large' : 'invalid_payload';
    return answer(decoded.status, errorBody('validation_error', code, decoded.detail));
  }
  const result = extractEvents(decoded.payload, {
    path: url.pathname,
    receivedAt: request.receivedAt,
    expectedToken: deps.token,
  });
  if (!result.ok) {
    const type = result.status === 401 ? 'authentication_error' : 'validation_error';
    return answer(result.status, errorBody(type, result.code, result.detail));
  }
  // Recorded before answering, so a client's flush() resolving implies the events are visible.
  deps.recorder.addEvents(request, result.events);
  for (const event of result.events) deps.onEvent?.(event);
  answer(okStatus, OK_BODY);
}

function decode(body: Buffer, req: IncomingMessage, deps: HandlerDeps): DecodeResult {
  const hints = {
    contentEncoding: req.headers['content-encoding'],
    contentType: req.headers['content-type'],
  };
  return decodeBody(body, hints, deps.maxBodyBytes);
}

function preflight(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(204, { ...corsHeaders(req), ...preflightHeaders(req) });
  res.end();
}

function settle(deps: HandlerDeps, request: ReceivedRequest): void {
  deps.recorder.touch();
  deps.onRequest?.(request);
}
