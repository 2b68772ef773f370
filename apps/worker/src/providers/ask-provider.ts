import type { InventoryPrompt, ProviderAnswer, ProviderErrorCounts, ProviderReport } from '@elmo/app-shared';
import { PROVIDER_ERROR_KINDS } from '@elmo/elmo-telemetry';
import { type CallOutcome, callWithRetries, type RetryOptions } from './call-with-retries.js';
import { findMention } from './find-mention.js';
import type { ProviderClient } from './provider-client.js';

const noErrors = (): ProviderErrorCounts =>
  Object.fromEntries(PROVIDER_ERROR_KINDS.map((kind) => [kind, 0])) as ProviderErrorCounts;

/**
 * Asks one provider each prompt in turn (sequentially: one report never floods a provider) and records whether
 * and where the brand is named. A prompt left without an answer is a result, not a failure of the report.
 */
export async function askProvider(
  client: ProviderClient,
  input: { brand: { name: string }; prompts: readonly InventoryPrompt[] },
  signal: AbortSignal,
  retry: RetryOptions,
): Promise<ProviderReport> {
  const report: ProviderReport = {
    provider: client.provider,
    answered: 0,
    mentioned: 0,
    failed: 0,
    calls: 0,
    errors: noErrors(),
    answers: [],
  };
  for (const prompt of input.prompts) {
    const outcome: CallOutcome = await callWithRetries(
      client,
      { brand: input.brand.name, prompt: prompt.text },
      signal,
      retry,
    );
    report.calls += outcome.errors.length + (outcome.ok ? 1 : 0);
    for (const kind of outcome.errors) report.errors[kind] += 1;
    report.answers.push(answerOf(prompt.id, outcome, input.brand.name));
  }
  for (const answer of report.answers) {
    if (answer.error) report.failed += 1;
    else report.answered += 1;
    if (answer.mentioned) report.mentioned += 1;
  }
  return report;
}

function answerOf(promptId: string, outcome: CallOutcome, brand: string): ProviderAnswer {
  if (!outcome.ok) return { promptId, mentioned: false, position: null, error: outcome.failure };
  const position = findMention(outcome.text, brand);
  return { promptId, mentioned: position !== null, position, error: null };
}

/** One line for the worker's log about a provider's failures in a report: its name and the classes, nothing else. */
export function describeFailures(report: ProviderReport): string | null {
  if (report.failed === 0) return null;
  const kinds = PROVIDER_ERROR_KINDS.filter((kind) => report.errors[kind] > 0)
    .map((kind) => `${kind} ${report.errors[kind]}`)
    .join(', ');
  return `${report.provider}: ${report.failed} of ${report.answers.length} prompts without an answer (failed calls: ${kinds})`;
}
