import { malformedAnswer, postJson } from './post-json.js';
import type { ProviderClient } from './provider-client.js';

/** Options of the Anthropic messages provider. */
export interface AnthropicMessagesOptions {
  /** Without the version segment, e.g. `https://api.anthropic.com`. */
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
  /** The answer's length limit, which this API requires. */
  maxTokens?: number;
}

/** The version of the messages API this client speaks (sent as `anthropic-version`). */
export const ANTHROPIC_VERSION = '2023-06-01';

/** The Anthropic messages API (POST `{baseUrl}/v1/messages`), one user message per question. */
export function createAnthropicMessagesClient(options: AnthropicMessagesOptions): ProviderClient {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/v1/messages`;
  const headers = { 'x-api-key': options.apiKey, 'anthropic-version': ANTHROPIC_VERSION };
  return {
    provider: 'anthropic',
    async ask({ prompt }, signal) {
      const answer = await postJson({
        url,
        headers,
        body: {
          model: options.model,
          max_tokens: options.maxTokens ?? 1024,
          messages: [{ role: 'user', content: prompt }],
        },
        timeoutMs: options.timeoutMs,
        signal,
      });
      const content = (answer as { content?: unknown } | null)?.content;
      if (!Array.isArray(content)) throw malformedAnswer();
      const texts = content
        .filter(
          (block): block is { type: 'text'; text: string } => block?.type === 'text' && typeof block.text === 'string',
        )
        .map((block) => block.text);
      if (texts.length === 0) throw malformedAnswer();
      return texts.join('');
    },
  };
}
