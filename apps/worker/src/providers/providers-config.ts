import type { Provider } from '@elmo/elmo-telemetry';

/** What the worker's env reader found for the configured providers; validated there, so complete here. */
export interface ProvidersConfig {
  /** In the order of ELMO_PROVIDERS, `offline` by default. */
  providers: Provider[];
  /** OPENAI_*: shared by `openai` and `openai_compatible`. `baseUrl` null only when neither is configured. */
  openai: { baseUrl: string | null; apiKey: string | null; model: string };
  anthropic: { baseUrl: string; apiKey: string | null; model: string };
  /** Per attempt (ELMO_PROVIDER_TIMEOUT_MS). */
  timeoutMs: number;
  /** Retries after the first attempt (ELMO_PROVIDER_RETRIES). */
  retries: number;
}

/** Defaults of the provider variables (SPEC §12). */
export const PROVIDER_DEFAULTS = {
  openaiBaseUrl: 'https://api.openai.com/v1',
  anthropicBaseUrl: 'https://api.anthropic.com',
  openaiModel: 'gpt-4o-mini',
  anthropicModel: 'claude-3-5-haiku-latest',
  timeoutMs: 60_000,
  retries: 2,
  maxRetries: 5,
} as const;
