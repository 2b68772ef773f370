import type { ProviderClient } from './provider-client.js';
import { StopRequested } from './provider-error.js';

// The built-in provider (SPEC §12): no network, no key, the same answer for the same brand and prompt on every
// machine, so the demo works out of the box and reports are reproducible. It is a stand-in, not a model.

const OTHERS = ['Northwind', 'Contoso', 'Fabrikam', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay'];

/** 32-bit FNV-1a: small, stable across Node versions and platforms. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * An answer listing four names: for two prompts in three the brand is one of them, on a line the hash picks;
 * otherwise it is not named. Neither the prompt nor anything else is echoed, so only that choice names the brand.
 */
export function offlineAnswer(brand: string, prompt: string): string {
  const hash = fnv1a(`${brand.toLowerCase()}\n${prompt}`);
  const names = [0, 1, 2, 3].map((index) => OTHERS[(hash + index * 3) % OTHERS.length] ?? 'Another');
  if (hash % 3 !== 0) names[(hash >>> 8) % names.length] = brand;
  return ['A few names that come up:', ...names.map((name, index) => `${index + 1}. ${name}`)].join('\n');
}

/** The offline provider. */
export function createOfflineClient(): ProviderClient {
  return {
    provider: 'offline',
    async ask({ brand, prompt }, signal) {
      if (signal.aborted) throw new StopRequested();
      return offlineAnswer(brand, prompt);
    },
  };
}
