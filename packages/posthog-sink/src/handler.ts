import type { IncomingMessage, ServerResponse } from 'node:http';
import { extractEvents, listEvents, type ReceivedEvent } from './capture.js';
import { corsHeaders, preflightHeaders } from './cors.js';
import { type DecodeResult, decodeBody } from './decode.js';
import { describeMode, type ModeController } from './modes.js';
import { handleOwnRoute } from './own-routes.js';
import { readBody } from './read-body.js';
import type { ReceivedRequest, Recorder, RequestOutcome } from './recorder.js';
import { type ErrorBody, errorBody, sendJson } from './respond.js';
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

/** The outcomes of a request the client never got an answer to. */
type UnansweredOutcome = Exclude<RequestOutcome, 'pending' | 'answered'>;

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
  const end = (outcome: UnansweredOutcome) => {
    request.outcome = outcome;
    settle(deps, request);
  };
  const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
    request.status = status;
    request.outcome = 'answered';
    // An answer the socket never carried out (the client went away meanwhile) was not heard: a resend of that
    // batch is the client's right, not a duplicate after an answer.
    res.once('close', () => {
      if (res.writableFinished || request.outcome !== 'answered') return;
      request.outcome = 'aborted';
      settle(deps, request);
    });
    sendJson(req, res, status, body, headers);
    settle(deps, request);
  };
  const clientGone = () => res.destroyed || req.socket.destroyed;
  // A body cut off mid-upload never reached PostHog's processing, so nothing is recorded.
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

  // Everything below has a complete body; `ingest` validates and records it as PostHog capture would.
  const ingest = () => ingestCapture(deps, request, decoded, url.pathname);
  const behaviour = deps.modes.take(decoded?.ok ? listEvents(decoded.payload).items.length : 0);
  if (behaviour.kind === 'hang') {
    // PostHog has ingested the batch; only the answer is missing. close() destroys the socket.
    ingest();
    return end('hung');
  }
  if (behaviour.kind === 'reset') {
    // Reset before PostHog processed anything: a TCP RST (ECONNRESET for the client) and nothing recorded.
    req.socket.resetAndDestroy();
    return end('reset');
  }
  if (behaviour.kind === 'lost-response') {
    // Processed exactly as when healthy, then the answer is lost on the wire: the client cannot tell this from
    // a reset, so a retry is a duplicate PostHog would store twice.
    ingest();
    req.socket.resetAndDestroy();
    return end('lost');
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
    // A client that gave up on a slow answer had sent its whole body, so PostHog processed it; it just never heard.
    if (clientGone()) {
      ingest();
      return end('aborted');
    }
  }

  const ingested = ingest();
  // The same on a loaded machine: a client whose timeout ran out while the body was being read never hears.
  if (clientGone()) return end('aborted');
  if (!ingested.ok) return answer(ingested.status, ingested.body);
  answer(okStatus, OK_BODY);
}

/** What processing a complete capture body led to: events recorded, or the error PostHog would answer. */
type Ingested = { ok: true } | { ok: false; status: number; body: ErrorBody };

// Records the events before any answer, so a client's flush() resolving implies they are visible.
function ingestCapture(
  deps: HandlerDeps,
  request: ReceivedRequest,
  decoded: DecodeResult | undefined,
  path: string,
): Ingested {
  if (decoded === undefined) {
    return { ok: false, status: 400, body: errorBody('validation_error', 'empty_body', 'Empty body') };
  }
  if (!decoded.ok) {
    const code = decoded.status === 413 ? 'payload_too_large' : 'invalid_payload';
    return { ok: false, status: decoded.status, body: errorBody('validation_error', code, decoded.detail) };
  }
  const result = extractEvents(decoded.payload, { path, receivedAt: request.receivedAt, expectedToken: deps.token });
  if (!result.ok) {
    const type = result.status === 401 ? 'authentication_error' : 'validation_error';
    return { ok: false, status: result.status, body: errorBody(type, result.code, result.detail) };
  }
  deps.recorder.addEvents(request, result.events);
  for (const event of result.events) deps.onEvent?.(event);
  return { ok: true };
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
