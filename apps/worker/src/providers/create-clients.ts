import { createAnthropicMessagesClient } from './anthropic-messages.js';
import { createChatCompletionsClient } from './chat-completions.js';
import { createOfflineClient } from './offline.js';
import type { ProviderClient } from './provider-client.js';
import type { ProvidersConfig } from './providers-config.js';

/** A client for each configured provider, in the configured order. */
export function createProviderClients(config: ProvidersConfig): ProviderClient[] {
  const { timeoutMs } = config;
  return config.providers.map((provider): ProviderClient => {
    if (provider === 'offline') return createOfflineClient();
    if (provider === 'anthropic') {
      const { baseUrl, apiKey, model } = config.anthropic;
      // readWorkerEnv refuses to start without these; reaching here without them is a bug of ours.
      if (!apiKey) throw new Error('anthropic has no key');
      return createAnthropicMessagesClient({ baseUrl, apiKey, model, timeoutMs });
    }
    const { baseUrl, apiKey, model } = config.openai;
    if (!baseUrl) throw new Error(`${provider} has no base URL`);
    return createChatCompletionsClient({ provider, baseUrl, apiKey, model, timeoutMs });
  });
}
