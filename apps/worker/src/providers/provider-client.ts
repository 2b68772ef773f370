import type { Provider } from '@elmo/elmo-telemetry';

/** One question put to a provider: the prompt it is sent, and the brand (only the offline provider looks at it). */
export interface Question {
  brand: string;
  prompt: string;
}

/**
 * A model provider, one attempt per `ask`: resolves to the answer's text or rejects with a ProviderCallError
 * (or StopRequested when `signal` was aborted by the worker's stop). Retries are the caller's business.
 */
export interface ProviderClient {
  readonly provider: Provider;
  ask(question: Question, signal: AbortSignal): Promise<string>;
}
