import { malformedAnswer, postJson } from './post-json.js';
import type { ProviderClient } from './provider-client.js';

/** Options of a chat-completions provider (`openai`, `openai_compatible`). */
export interface ChatCompletionsOptions {
  provider: 'openai' | 'openai_compatible';
  /** Up to and including the version segment, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  /** Sent as a bearer token; a local model server may need none. */
  apiKey: string | null;
  model: string;
  timeoutMs: number;
}

/** The OpenAI chat-completions API (POST `{baseUrl}/chat/completions`), one user message per question. */
export function createChatCompletionsClient(options: ChatCompletionsOptions): ProviderClient {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const headers: Record<string, string> = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  return {
    provider: options.provider,
    async ask({ prompt }, signal) {
      const answer = await postJson({
        url,
        headers,
        body: { model: options.model, messages: [{ role: 'user', content: prompt }] },
        timeoutMs: options.timeoutMs,
        signal,
      });
      const content = (answer as { choices?: { message?: { content?: unknown } }[] } | null)?.choices?.[0]?.message
        ?.content;
      if (typeof content !== 'string') throw malformedAnswer();
      return content;
    },
  };
}
