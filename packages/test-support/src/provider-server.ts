import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './ports.js';

/** What the fake provider does with one call. */
export type ProviderReply =
  /** 200 with a valid answer in that API's shape, after `delayMs` if given. */
  | { kind: 'answer'; delayMs?: number }
  /** That API's error JSON with this status (and a `Retry-After` header if given). */
  | { kind: 'status'; status: number; retryAfterSeconds?: number }
  /** 200 whose body is not JSON. */
  | { kind: 'malformed' }
  /** Accepts the request and never answers (until `close()`). */
  | { kind: 'hang' };

/** One call the fake provider received, as the test may want to assert it. */
export interface FakeProviderCall {
  api: 'chat' | 'messages';
  /** The bearer token (chat) or `x-api-key` (messages), `null` when absent. */
  key: string | null;
  model: string | null;
  /** The last user message's text. */
  prompt: string;
  /** The status answered, `null` while hanging (or when the client went away first). */
  status: number | null;
  startedAt: number;
  endedAt: number | null;
}

/** A loopback server speaking OpenAI's chat completions and Anthropic's messages APIs. */
export interface FakeProviderServer {
  /**
   * For `OPENAI_BASE_URL`: `http://127.0.0.1:PORT/v1` (POST `/v1/chat/completions`). Any path ending in
   * `/chat/completions` is served, so `http://127.0.0.1:PORT/<prefix>/v1` works too.
   */
  openaiBaseUrl: string;
  /** For `ANTHROPIC_BASE_URL`: `http://127.0.0.1:PORT` (POST `/v1/messages`, also under a path prefix). */
  anthropicBaseUrl: string;
  readonly calls: FakeProviderCall[];
  /** `call` is 1-based over all calls to this server. */
  setReply(reply: (call: number) => ProviderReply): void;
  /** Stops listening and ends hanging requests too. */
  close(): Promise<void>;
}

/** The text of a normal answer: the prompt is echoed on line 2, so a prompt naming the brand gives a mention there. */
export function fakeAnswerText(prompt: string): string {
  return `Here is what I found:\n1. ${prompt}\n2. Something else`;
}

const ALWAYS_ANSWER = (): ProviderReply => ({ kind: 'answer' });

/** Every n-th call answers `status` (default 500), the others answer normally. */
export function failEvery(n: number, status = 500): (call: number) => ProviderReply {
  return (call) => (call % n === 0 ? { kind: 'status', status } : { kind: 'answer' });
}

/** Starts a fake model provider on a free 127.0.0.1 port; every call answers normally unless `reply` says otherwise. */
export async function startFakeProvider(
  options: { reply?: (call: number) => ProviderReply } = {},
): Promise<FakeProviderServer> {
  let reply = options.reply ?? ALWAYS_ANSWER;
  const calls: FakeProviderCall[] = [];
  // Timers of delayed answers, cleared at close so that nothing outlives the server.
  const timers = new Set<NodeJS.Timeout>();
  let nextId = 1;

  const server = createServer((request, response) => {
    void handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // A path prefix is allowed (as behind a gateway), so that a test can give each base URL a distinctive path.
    const path = (request.url ?? '').split('?')[0] ?? '';
    const api = path.endsWith('/chat/completions') ? 'chat' : path.endsWith('/v1/messages') ? 'messages' : null;
    if (request.method !== 'POST' || api === null) {
      await readBody(request);
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
      return;
    }
    const raw = await readBody(request);
    const body = parseJson(raw);
    const call: FakeProviderCall = {
      api,
      key: api === 'chat' ? bearer(request.headers.authorization) : header(request.headers['x-api-key']),
      model: typeof body?.model === 'string' ? body.model : null,
      prompt: lastUserText(body),
      status: null,
      startedAt: Date.now(),
      endedAt: null,
    };
    calls.push(call);
    const decided = reply(calls.length);
    const send = (status: number, text: string, headers: Record<string, string> = {}): void => {
      if (response.destroyed) return;
      call.status = status;
      call.endedAt = Date.now();
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
    };
    const id = nextId++;
    switch (decided.kind) {
      case 'hang':
        return;
      case 'malformed':
        send(200, '{"id": "not json at all');
        return;
      case 'status': {
        const headers: Record<string, string> =
          decided.retryAfterSeconds === undefined ? {} : { 'retry-after': String(decided.retryAfterSeconds) };
        send(decided.status, JSON.stringify(errorBody(api, decided.status)), headers);
        return;
      }
      case 'answer': {
        const text = JSON.stringify(answerBody(api, id, call.model, fakeAnswerText(call.prompt)));
        if (!decided.delayMs) {
          send(200, text);
          return;
        }
        const timer = setTimeout(() => {
          timers.delete(timer);
          send(200, text);
        }, decided.delayMs);
        timers.add(timer);
        return;
      }
    }
  }

  const listening = await listenOnLoopback(server);
  return {
    openaiBaseUrl: `${listening.url}/v1`,
    anthropicBaseUrl: listening.url,
    calls,
    setReply(next) {
      reply = next;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await listening.close();
    },
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseJson(raw: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function header(value: string | string[] | undefined): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function bearer(authorization: string | undefined): string | null {
  const match = /^Bearer (.+)$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}

/** The last user message's text: a string content, or the text blocks of Anthropic's content array. */
function lastUserText(body: Record<string, unknown> | null): string {
  const messages = Array.isArray(body?.messages) ? (body.messages as unknown[]) : [];
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index] as { role?: unknown; content?: unknown } | null;
    if (message?.role !== 'user') continue;
    if (typeof message.content === 'string') return message.content;
    if (Array.isArray(message.content)) {
      return message.content
        .map((block: { type?: unknown; text?: unknown }) =>
          block?.type === 'text' && typeof block.text === 'string' ? block.text : '',
        )
        .join('');
    }
  }
  return '';
}

function answerBody(api: 'chat' | 'messages', id: number, model: string | null, text: string): unknown {
  if (api === 'chat') {
    return {
      id: `chatcmpl-fake-${id}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: model ?? 'fake-model',
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    };
  }
  return {
    id: `msg_fake_${id}`,
    type: 'message',
    role: 'assistant',
    content: [{ type: 'text', text }],
    model: model ?? 'fake-model',
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 10 },
  };
}

/** Each API's error types by status, as the real services name them. */
function errorBody(api: 'chat' | 'messages', status: number): unknown {
  if (api === 'chat') {
    const [type, code] =
      status === 401
        ? ['invalid_request_error', 'invalid_api_key']
        : status === 429
          ? ['rate_limit_exceeded', 'rate_limit_exceeded']
          : status >= 500
            ? ['server_error', null]
            : ['invalid_request_error', null];
    return { error: { message: `fake error ${status}`, type, code } };
  }
  const type =
    status === 401
      ? 'authentication_error'
      : status === 403
        ? 'permission_error'
        : status === 429
          ? 'rate_limit_error'
          : status === 529
            ? 'overloaded_error'
            : status >= 500
              ? 'api_error'
              : 'invalid_request_error';
  return { type: 'error', error: { type, message: `fake error ${status}` } };
}
