import { PROVIDERS, type Provider } from '@elmo/elmo-telemetry';

/** A deployment `.env` variable a model provider reads: its key or its base URL (SPEC §2, §12). */
export interface ProviderVariable {
  name: string;
  kind: 'key' | 'url';
  /** Without it the provider cannot work; an optional one is written only when given. */
  required: boolean;
  /** How a question names it. */
  label: string;
}

const OPENAI_KEY = 'OPENAI_API_KEY';
const OPENAI_URL = 'OPENAI_BASE_URL';

/**
 * What each provider reads from the deployment `.env`. `openai_compatible` is the chat-completions API at a base URL
 * of your choosing (a local model server often needs no key); a base URL for `openai` or `anthropic` is optional
 * and only taken from the environment (a proxy, or a test's loopback server), never asked for.
 */
export const PROVIDER_VARIABLES: Readonly<Record<Provider, readonly ProviderVariable[]>> = {
  offline: [],
  openai: [
    { name: OPENAI_KEY, kind: 'key', required: true, label: 'OpenAI API key' },
    { name: OPENAI_URL, kind: 'url', required: false, label: 'OpenAI base URL' },
  ],
  anthropic: [
    { name: 'ANTHROPIC_API_KEY', kind: 'key', required: true, label: 'Anthropic API key' },
    { name: 'ANTHROPIC_BASE_URL', kind: 'url', required: false, label: 'Anthropic base URL' },
  ],
  openai_compatible: [
    { name: OPENAI_URL, kind: 'url', required: true, label: 'Base URL of the OpenAI-compatible server' },
    { name: OPENAI_KEY, kind: 'key', required: false, label: 'Its API key (optional)' },
  ],
};

/** Whether a string names a provider. */
export function isProvider(value: string): value is Provider {
  return (PROVIDERS as readonly string[]).includes(value);
}

/**
 * The variables the chosen providers read, each once (openai and openai_compatible share the key), required when
 * any chosen provider needs it, in the order of the providers.
 */
export function providerVariables(providers: readonly Provider[]): ProviderVariable[] {
  const byName = new Map<string, ProviderVariable>();
  for (const provider of providers) {
    for (const variable of PROVIDER_VARIABLES[provider]) {
      const seen = byName.get(variable.name);
      // The provider that requires a variable names it (openai's key is not "optional" because a local server's is).
      byName.set(variable.name, seen && (seen.required || !variable.required) ? seen : variable);
    }
  }
  return [...byName.values()];
}

/** The required variables that have no value in `values`: what keeps these providers from working. */
export function missingProviderVariables(
  providers: readonly Provider[],
  values: Readonly<Record<string, string | undefined>>,
): ProviderVariable[] {
  return providerVariables(providers).filter((variable) => variable.required && !values[variable.name]?.trim());
}

/**
 * The problem with a value for `variable`, or undefined. Never quotes the value: a key or URL must not appear in
 * an error shown to users (SPEC §12).
 */
export function providerValueProblem(variable: ProviderVariable, value: string): string | undefined {
  if (variable.kind === 'key') return /\s/.test(value.trim()) ? `${variable.name} must not contain spaces` : undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return `${variable.name} must be an http:// or https:// URL`;
  }
  return url.protocol === 'http:' || url.protocol === 'https:'
    ? undefined
    : `${variable.name} must be an http:// or https:// URL`;
}
