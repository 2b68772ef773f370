import type { ProviderAnswer, ProviderFailure, ProviderReport } from '@elmo/app-shared';
import { PROVIDER_ERROR_KINDS, type Provider, type ProviderErrorKind } from '@elmo/elmo-telemetry';
import { plural } from './format';

// How a report's provider results read in words. Pure, so the page and its tests say exactly the same thing; the
// contract carries enums, counts and HTTP statuses only, so nothing here can show a key or a base URL.

const providerLabels: Record<Provider, string> = {
  offline: 'Offline',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  openai_compatible: 'OpenAI-compatible',
};

/** "OpenAI-compatible" for `openai_compatible`. */
export function providerLabel(provider: Provider): string {
  return providerLabels[provider];
}

const kindNames: Record<ProviderErrorKind, [singular: string, plural: string]> = {
  timeout: ['timeout', 'timeouts'],
  rate_limited: ['rate-limited call', 'rate-limited calls'],
  auth: ['authentication error', 'authentication errors'],
  server: ['server error', 'server errors'],
  other: ['other error', 'other errors'],
};

// What a class means in HTTP terms when no failed answer tells the exact status (a retried call's status is
// counted, not kept).
const kindStatuses: Partial<Record<ProviderErrorKind, string>> = {
  rate_limited: 'HTTP 429',
  auth: 'HTTP 401/403',
  server: 'HTTP 5xx',
};

/** "server error (HTTP 500)", "timeout": why one prompt has no answer. */
export function failureLabel(failure: ProviderFailure): string {
  const name = kindNames[failure.kind][0];
  return failure.status === null ? name : `${name} (HTTP ${failure.status})`;
}

/** "Mentioned, line 2" / "Not mentioned" / "Failed: server error (HTTP 500)" for one answer. */
export function answerLabel(answer: ProviderAnswer): string {
  if (answer.error) return `Failed: ${failureLabel(answer.error)}`;
  if (!answer.mentioned) return 'Not mentioned';
  return answer.position === null ? 'Mentioned' : `Mentioned, line ${answer.position}`;
}

/**
 * One class of failed calls in words: "3 server errors (HTTP 500), retried". A failed call that is not a prompt's
 * final outcome was followed by another call for that prompt, so `count` minus the prompts that ended in this
 * class is exactly how many were retried.
 */
export function errorClassLabel(report: ProviderReport, kind: ProviderErrorKind): string {
  const count = report.errors[kind];
  const final = report.answers.filter((a) => a.error?.kind === kind);
  const statuses = [...new Set(final.map((a) => a.error?.status).filter((s): s is number => typeof s === 'number'))];
  const status = statuses.length > 0 ? `HTTP ${statuses.sort((a, b) => a - b).join(', ')}` : kindStatuses[kind];
  const [one, many] = kindNames[kind];
  const head = `${plural(count, one, many)}${status ? ` (${status})` : ''}`;
  const retried = count - final.length;
  if (final.length === 0) return `${head}, retried`;
  const unanswered = `${plural(final.length, 'prompt')} left without an answer`;
  if (retried <= 0) return `${head}, not retried: ${unanswered}`;
  return `${head}: ${retried} retried, ${unanswered}`;
}

/** The classes with at least one failed call, in the contract's order. */
export function failedKinds(report: ProviderReport): ProviderErrorKind[] {
  return PROVIDER_ERROR_KINDS.filter((kind) => report.errors[kind] > 0);
}

/** "6 calls, 2 failed" or "4 calls, none failed". */
export function callsLabel(report: ProviderReport): string {
  const failedCalls = failedKinds(report).reduce((sum, kind) => sum + report.errors[kind], 0);
  return `${plural(report.calls, 'call')}, ${failedCalls === 0 ? 'none' : failedCalls} failed`;
}
