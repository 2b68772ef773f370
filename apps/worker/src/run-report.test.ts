import type { InventoryPrompt } from '@elmo/app-shared';
import { parseReportResult } from '@elmo/app-shared';
import { type FakeProviderServer, failEvery, startFakeProvider } from '@elmo/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAnthropicMessagesClient } from './providers/anthropic-messages.js';
import { createChatCompletionsClient } from './providers/chat-completions.js';
import { createOfflineClient } from './providers/offline.js';
import { createReportRunner, type ReportRunnerOptions } from './run-report.js';

const KEY = 'sk-run-report-secret';
const now = new Date('2025-06-30T12:00:00.000Z');
const prompt = (id: string, text: string): InventoryPrompt => ({
  id,
  text,
  createdAt: now.toISOString(),
  editedAt: null,
});
const input = {
  brand: { id: 'b1', name: 'Acme' },
  prompts: [prompt('p1', 'Is ACME any good?'), prompt('p2', 'Which anvils last?'), prompt('p3', 'acme or Globex?')],
};

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProvider();
});
afterAll(() => server.close());
beforeEach(() => {
  server.calls.length = 0;
  server.setReply(() => ({ kind: 'answer' }));
});

function runner(overrides: Partial<ReportRunnerOptions> = {}) {
  const samples: unknown[] = [];
  const lines: string[] = [];
  const run = createReportRunner({
    clients: [
      createChatCompletionsClient({
        provider: 'openai',
        baseUrl: server.openaiBaseUrl,
        apiKey: KEY,
        model: 'm',
        timeoutMs: 2000,
      }),
      createAnthropicMessagesClient({ baseUrl: server.anthropicBaseUrl, apiKey: KEY, model: 'm', timeoutMs: 2000 }),
    ],
    retry: { retries: 2, backoffMs: 1 },
    onCall: (sample) => void samples.push({ ...sample, durationMs: typeof sample.durationMs }),
    log: (line) => void lines.push(line),
    ...overrides,
  });
  return { run, samples, lines };
}

describe('createReportRunner', () => {
  it('asks every provider every prompt and records mentions with their line', async () => {
    const { run, samples, lines } = runner();
    const report = await run(input, now, new AbortController().signal);
    expect(parseReportResult(JSON.parse(JSON.stringify(report)))).not.toBeNull();
    expect(report.totals.prompts).toBe(3);
    expect(report.providers.map((p) => p.provider)).toEqual(['openai', 'anthropic']);
    for (const provider of report.providers) {
      expect(provider).toMatchObject({ answered: 3, mentioned: 2, failed: 0, calls: 3 });
      expect(provider.answers).toEqual([
        { promptId: 'p1', mentioned: true, position: 2, error: null },
        { promptId: 'p2', mentioned: false, position: null, error: null },
        { promptId: 'p3', mentioned: true, position: 2, error: null },
      ]);
    }
    expect(samples).toHaveLength(6);
    expect(samples[0]).toEqual({ provider: 'openai', durationMs: 'number' });
    expect(lines).toEqual([]);
  });

  it('counts every call and error, retries included, against a server failing every third call', async () => {
    server.setReply(failEvery(3));
    const { run, samples } = runner();
    const report = await run(input, now, new AbortController().signal);
    // Calls 3 and 6 fail and are retried (as 4 and 7); openai makes calls 1-4, anthropic 5-8: one error each.
    expect(
      report.providers.map(({ answered, failed, calls, errors }) => ({ answered, failed, calls, errors })),
    ).toEqual([
      { answered: 3, failed: 0, calls: 4, errors: { timeout: 0, rate_limited: 0, auth: 0, server: 1, other: 0 } },
      { answered: 3, failed: 0, calls: 4, errors: { timeout: 0, rate_limited: 0, auth: 0, server: 1, other: 0 } },
    ]);
    expect(samples.filter((s) => (s as { error?: string }).error === 'server')).toHaveLength(2);
  });

  it('completes a report whose every call failed: the failures are the result, logged by class only', async () => {
    server.setReply(() => ({ kind: 'status', status: 401 }));
    const { run, lines } = runner();
    const report = await run(input, now, new AbortController().signal);
    expect(parseReportResult(JSON.parse(JSON.stringify(report)))).not.toBeNull();
    for (const provider of report.providers) {
      expect(provider).toMatchObject({ answered: 0, mentioned: 0, failed: 3, calls: 3 });
      expect(provider.answers.every((a) => a.error?.kind === 'auth' && a.error.status === 401)).toBe(true);
    }
    expect(lines).toEqual([
      'openai: 3 of 3 prompts without an answer (failed calls: auth 3)',
      'anthropic: 3 of 3 prompts without an answer (failed calls: auth 3)',
    ]);
    const everything = JSON.stringify({ report, lines });
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(new URL(server.anthropicBaseUrl).host);
  });

  it('runs the offline provider without any network', async () => {
    const { run } = runner({ clients: [createOfflineClient()] });
    const report = await run(input, now, new AbortController().signal);
    expect(report.providers).toHaveLength(1);
    expect(report.providers[0]).toMatchObject({ provider: 'offline', answered: 3, failed: 0, calls: 3 });
    expect(server.calls).toEqual([]);
    expect(await run(input, now, new AbortController().signal)).toEqual(report);
  });
});
