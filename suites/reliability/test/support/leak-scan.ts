import type { ReceivedRequest } from '@elmo/posthog-sink';
import type { Secret } from './corpus.js';

// The haystack is everything a destination could read: every body byte as received and as decoded (gzip,
// form, base64), every request line and every header. A secret counts as leaked if it appears in any
// encoding a client could have used (raw, JSON-escaped, URL-encoded) or if any of its random fragments does.

/** One secret found on the wire, with the form it was found in. */
export interface Leak {
  id: number;
  category: string;
  needle: string;
}

/** The strings whose presence would mean `secret` leaked. */
export function needlesOf(secret: Secret): string[] {
  const forms = new Set<string>([secret.value, ...secret.fragments]);
  forms.add(JSON.stringify(secret.value).slice(1, -1));
  forms.add(encodeURIComponent(secret.value));
  forms.add(new URLSearchParams({ x: secret.value }).toString().slice(2));
  return [...forms].filter((needle) => needle.length >= 6);
}

/** Everything a destination received, as searchable text (latin1 keeps every byte, utf8 decodes text). */
export function wireText(rawBytes: Buffer, requests: readonly ReceivedRequest[]): string {
  const meta = requests.map((r) => `${r.method} ${r.url}\n${JSON.stringify(r.headers)}`).join('\n');
  return `${rawBytes.toString('latin1')}\n${rawBytes.toString('utf8')}\n${meta}`;
}

/** The secrets of `corpus` that appear in `haystack`. */
export function findLeaks(corpus: readonly Secret[], haystack: string): Leak[] {
  const leaks: Leak[] = [];
  for (const secret of corpus) {
    const needle = needlesOf(secret).find((n) => haystack.includes(n));
    if (needle) leaks.push({ id: secret.id, category: secret.category, needle: needle.slice(0, 60) });
  }
  return leaks;
}
