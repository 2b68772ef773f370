import type { InventoryPrompt, ReportResult } from '@elmo/app-shared';

// The inventory part of a report. Pure: the clock comes in as `now`. The shape is the contract shared with the web
// app, which stores and renders it and checks it on arrival (@elmo/app-shared); what the providers said is added
// by run-report.ts.

/** What a report is computed from: the brand and its prompts. */
export interface ReportInput {
  brand: { id: string; name: string };
  prompts: InventoryPrompt[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Counts the brand's prompts and those created or last edited within 7 and 30 days of `now` (inclusive), and
 * lists every prompt, most recently touched first. A timestamp slightly ahead of `now` (clocks of two machines)
 * counts as recent. `providers` is left empty for run-report.ts to fill.
 */
export function computeReport(input: ReportInput, now: Date): ReportResult {
  const at = now.getTime();
  const within = (iso: string | null, days: number) => iso !== null && at - Date.parse(iso) <= days * DAY_MS;
  const count = (pick: (p: InventoryPrompt) => string | null, days: number) =>
    input.prompts.filter((p) => within(pick(p), days)).length;
  const lastTouched = (p: InventoryPrompt) => Date.parse(p.editedAt ?? p.createdAt);

  return {
    version: 2,
    generatedAt: now.toISOString(),
    brand: { id: input.brand.id, name: input.brand.name },
    totals: {
      prompts: input.prompts.length,
      createdLast7Days: count((p) => p.createdAt, 7),
      createdLast30Days: count((p) => p.createdAt, 30),
      editedLast7Days: count((p) => p.editedAt, 7),
      editedLast30Days: count((p) => p.editedAt, 30),
    },
    prompts: [...input.prompts]
      .sort((a, b) => lastTouched(b) - lastTouched(a) || a.id.localeCompare(b.id))
      .map((p) => ({ id: p.id, text: p.text, createdAt: p.createdAt, lastEditedAt: p.editedAt })),
    providers: [],
  };
}
