import { afterEach, describe, expect, it } from 'vitest';
import { type FakeProviderServer, failEvery, startFakeProvider } from './provider-server.js';

interface ChatAnswer {
  object: string;
  choices: { message: { content: string } }[];
}
interface MessagesAnswer {
  content: { text: string }[];
}

let server: FakeProviderServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function chat(baseUrl: string, prompt: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: prompt }] }),
    ...(signal ? { signal } : {}),
  });
}

function messages(baseUrl: string, prompt: string): Promise<Response> {
  return fetch(`${baseUrl}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'ak-test', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'claude-test', max_tokens: 64, messages: [{ role: 'user', content: prompt }] }),
  });
}

describe('startFakeProvider', () => {
  it('answers both APIs in their shapes and records each call', async () => {
    server = await startFakeProvider();
    const chatAnswer = (await (await chat(server.openaiBaseUrl, 'best Acme tools')).json()) as ChatAnswer;
    expect(chatAnswer.object).toBe('chat.completion');
    expect(chatAnswer.choices[0]?.message.content).toBe('Here is what I found:\n1. best Acme tools\n2. Something else');
    const messagesAnswer = (await (await messages(server.anthropicBaseUrl, 'hello')).json()) as MessagesAnswer;
    expect(messagesAnswer).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn' });
    expect(messagesAnswer.content[0]?.text).toContain('1. hello');
    expect(server.calls.map(({ api, key, model, prompt, status }) => ({ api, key, model, prompt, status }))).toEqual([
      { api: 'chat', key: 'sk-test', model: 'gpt-test', prompt: 'best Acme tools', status: 200 },
      { api: 'messages', key: 'ak-test', model: 'claude-test', prompt: 'hello', status: 200 },
    ]);
  });

  it('answers error JSON with the status and Retry-After, malformed bodies, and failEvery', async () => {
    server = await startFakeProvider({ reply: () => ({ kind: 'status', status: 429, retryAfterSeconds: 2 }) });
    const limited = await chat(server.openaiBaseUrl, 'x');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(((await limited.json()) as { error: { type: string } }).error.type).toBe('rate_limit_exceeded');
    const denied = await messages(server.anthropicBaseUrl, 'x');
    expect(((await denied.json()) as { type: string }).type).toBe('error');

    server.setReply(() => ({ kind: 'malformed' }));
    const malformed = await chat(server.openaiBaseUrl, 'x');
    expect(malformed.status).toBe(200);
    await expect(malformed.json()).rejects.toThrow();

    server.setReply(failEvery(2, 503));
    // Calls 4, 5, 6 over the whole server: the 4th and 6th fail.
    const statuses = [];
    for (let index = 0; index < 3; index++) statuses.push((await chat(server.openaiBaseUrl, 'x')).status);
    expect(statuses).toEqual([503, 200, 503]);
  });

  it('hangs until aborted or closed, and close ends hanging requests', async () => {
    server = await startFakeProvider({ reply: () => ({ kind: 'hang' }) });
    await expect(chat(server.openaiBaseUrl, 'x', AbortSignal.timeout(100))).rejects.toThrow();
    const pending = chat(server.openaiBaseUrl, 'x').then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.close();
    expect(await pending).toBe('failed');
    expect(server.calls.every((call) => call.status === null)).toBe(true);
    server = undefined;
  });

  it('serves under a path prefix, as behind a gateway, and answers 404 elsewhere', async () => {
    server = await startFakeProvider();
    expect((await chat(`${server.anthropicBaseUrl}/tenant-x/v1`, 'x')).status).toBe(200);
    expect((await messages(`${server.anthropicBaseUrl}/tenant-x`, 'x')).status).toBe(200);
    expect((await fetch(`${server.anthropicBaseUrl}/v1/models`)).status).toBe(404);
    expect(server.calls.map((call) => call.api)).toEqual(['chat', 'messages']);
  });

  it('delays an answer by delayMs', async () => {
    server = await startFakeProvider({ reply: () => ({ kind: 'answer', delayMs: 150 }) });
    const started = Date.now();
    expect((await chat(server.openaiBaseUrl, 'x')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('listens on 127.0.0.1 only', async () => {
    server = await startFakeProvider();
    expect(new URL(server.anthropicBaseUrl).hostname).toBe('127.0.0.1');
  });
});
