import {
  type FakeProviderServer,
  failEvery,
  fakeAnswerText,
  getFreePort,
  type ProviderReply,
  startFakeProvider,
} from '@elmo/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnthropicMessagesClient } from './anthropic-messages.js';
import { callWithRetries, type RetryOptions } from './call-with-retries.js';
import { createChatCompletionsClient } from './chat-completions.js';
import type { ProviderClient } from './provider-client.js';
import { StopRequested } from './provider-error.js';

// Every HTTP provider against the loopback fake that speaks its API (SPEC §12), through the real fetch: answers,
// each class of failure, the retry bounds and the stop.

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProvider();
});
afterAll(() => server.close());
beforeEach(() => {
  server.calls.length = 0;
  server.setReply(() => ({ kind: 'answer' }));
});

const KEY = 'sk-test-provider-key';
type Make = (base: { openai: string; anthropic: string }, timeoutMs: number) => ProviderClient;
const providers: [string, 'chat' | 'messages', Make][] = [
  [
    'openai',
    'chat',
    (base, timeoutMs) =>
      createChatCompletionsClient({ provider: 'openai', baseUrl: base.openai, apiKey: KEY, model: 'm', timeoutMs }),
  ],
  [
    'openai_compatible',
    'chat',
    (base, timeoutMs) =>
      createChatCompletionsClient({
        provider: 'openai_compatible',
        baseUrl: base.openai,
        apiKey: null,
        model: 'local-model',
        timeoutMs,
      }),
  ],
  [
    'anthropic',
    'messages',
    (base, timeoutMs) => createAnthropicMessagesClient({ baseUrl: base.anthropic, apiKey: KEY, model: 'm', timeoutMs }),
  ],
];

const question = { brand: 'Acme', prompt: 'Which tools does Acme make?' };
const quick: RetryOptions = { retries: 2, backoffMs: 5 };

describe.each(providers)('%s', (provider, api, make) => {
  const client = (timeoutMs = 5000) =>
    make({ openai: server.openaiBaseUrl, anthropic: server.anthropicBaseUrl }, timeoutMs);
  const ask = (options: RetryOptions = quick, signal = new AbortController().signal, timeoutMs?: number) =>
    callWithRetries(client(timeoutMs), question, signal, options);
  const replies = (...list: ProviderReply[]) =>
    server.setReply((call) => list[call - 1] ?? list[list.length - 1] ?? { kind: 'answer' });
  const statuses = () => server.calls.map((call) => call.status);

  it('gets the answer text, sending the prompt, the model and the key the API expects', async () => {
    expect(await ask()).toEqual({ ok: true, text: fakeAnswerText(question.prompt), errors: [] });
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]).toMatchObject({
      api,
      prompt: question.prompt,
      key: provider === 'openai_compatible' ? null : KEY,
      status: 200,
    });
  });

  it('401 is an auth failure, never retried', async () => {
    replies({ kind: 'status', status: 401 });
    expect(await ask()).toEqual({ ok: false, failure: { kind: 'auth', status: 401 }, errors: ['auth'] });
    expect(statuses()).toEqual([401]);
  });

  it('403 and 400 are not retried either', async () => {
    replies({ kind: 'status', status: 403 });
    expect(await ask()).toMatchObject({ ok: false, failure: { kind: 'auth', status: 403 } });
    server.calls.length = 0;
    server.setReply(() => ({ kind: 'status', status: 400 }));
    expect(await ask()).toMatchObject({ ok: false, failure: { kind: 'other', status: 400 } });
    expect(statuses()).toEqual([400]);
  });

  it('429 is retried, honouring Retry-After up to the cap, then given up as rate limited', async () => {
    replies({ kind: 'status', status: 429, retryAfterSeconds: 30 });
    const pauses: number[] = [];
    const outcome = await ask({ ...quick, maxRetryAfterMs: 20, sleep: async (ms) => void pauses.push(ms) });
    expect(outcome).toEqual({
      ok: false,
      failure: { kind: 'rate_limited', status: 429 },
      errors: ['rate_limited', 'rate_limited', 'rate_limited'],
    });
    expect(statuses()).toEqual([429, 429, 429]);
    expect(pauses).toEqual([20, 20]);
  });

  it('500 is retried with growing pauses, and an answer after it counts', async () => {
    replies({ kind: 'status', status: 500 }, { kind: 'status', status: 503 }, { kind: 'answer' });
    const pauses: number[] = [];
    const outcome = await ask({ retries: 2, backoffMs: 7, sleep: async (ms) => void pauses.push(ms) });
    expect(outcome).toEqual({ ok: true, text: fakeAnswerText(question.prompt), errors: ['server', 'server'] });
    expect(pauses).toEqual([7, 14]);
  });

  it('an answer slower than the timeout is a timeout, retried', async () => {
    replies({ kind: 'answer', delayMs: 1000 });
    const started = Date.now();
    const outcome = await ask({ retries: 1, backoffMs: 1 }, undefined, 100);
    expect(outcome).toEqual({ ok: false, failure: { kind: 'timeout', status: null }, errors: ['timeout', 'timeout'] });
    expect(server.calls).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('a body that is not JSON is `other`, not retried', async () => {
    replies({ kind: 'malformed' });
    expect(await ask()).toEqual({ ok: false, failure: { kind: 'other', status: null }, errors: ['other'] });
    expect(server.calls).toHaveLength(1);
  });

  it('a refused connection is `other`, retried (a network error)', async () => {
    const port = await getFreePort();
    const refused = make({ openai: `http://127.0.0.1:${port}/v1`, anthropic: `http://127.0.0.1:${port}` }, 1000);
    const attempts: (string | undefined)[] = [];
    const outcome = await callWithRetries(refused, question, new AbortController().signal, {
      ...quick,
      onAttempt: (attempt) => void attempts.push(attempt.error),
    });
    expect(outcome).toEqual({
      ok: false,
      failure: { kind: 'other', status: null },
      errors: ['other', 'other', 'other'],
    });
    expect(attempts).toEqual(['other', 'other', 'other']);
  });

  it('retries are bounded by the setting: 0 means one attempt, 5 means six', async () => {
    server.setReply(() => ({ kind: 'status', status: 502 }));
    expect((await ask({ retries: 0, backoffMs: 1 })).errors).toEqual(['server']);
    server.calls.length = 0;
    expect((await ask({ retries: 5, backoffMs: 1 })).errors).toHaveLength(6);
    expect(server.calls).toHaveLength(6);
  });

  it('failEvery(3) fails only the third call, which the retry then answers', async () => {
    server.setReply(failEvery(3));
    const outcomes = [await ask(), await ask(), await ask()];
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true]);
    expect(outcomes[2]?.errors).toEqual(['server']);
    expect(statuses()).toEqual([200, 200, 500, 200]);
  });

  it('the stop cuts a hanging call and the pause before a retry', async () => {
    server.setReply(() => ({ kind: 'hang' }));
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    const reported: unknown[] = [];
    await expect(
      ask({ ...quick, onAttempt: (attempt) => void reported.push(attempt) }, stop.signal, 60_000),
    ).rejects.toBeInstanceOf(StopRequested);
    expect(reported).toEqual([]);

    server.setReply(() => ({ kind: 'status', status: 503, retryAfterSeconds: 60 }));
    const stopPause = new AbortController();
    setTimeout(() => stopPause.abort(), 100);
    const started = Date.now();
    await expect(ask({ retries: 2, maxRetryAfterMs: 60_000 }, stopPause.signal)).rejects.toBeInstanceOf(StopRequested);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('no error message carries the base URL or the key', async () => {
    const port = await getFreePort();
    const refused = make({ openai: `http://127.0.0.1:${port}/v1`, anthropic: `http://127.0.0.1:${port}` }, 1000);
    const signal = new AbortController().signal;
    const errors: unknown[] = [await refused.ask(question, signal).catch((error: unknown) => error)];
    for (const reply of [{ kind: 'status', status: 401 }, { kind: 'malformed' }] as const) {
      server.setReply(() => reply);
      errors.push(
        await client()
          .ask(question, signal)
          .catch((error: unknown) => error),
      );
    }
    for (const error of errors) {
      const text = `${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`;
      expect(text).not.toContain(String(port));
      expect(text).not.toContain(new URL(server.anthropicBaseUrl).port);
      expect(text).not.toContain(KEY);
      expect((error as Error).cause).toBeUndefined();
    }
  });
});
