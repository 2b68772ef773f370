import type { InventoryPrompt } from '@elmo/app-shared';
import { describe, expect, it } from 'vitest';
import { computeReport } from './report.js';

const now = new Date('2025-06-30T12:00:00.000Z');
const daysAgo = (days: number, extraMs = 0) => new Date(now.getTime() - days * 86_400_000 - extraMs).toISOString();
const brand = { id: 'b1', name: 'Acme' };
const prompt = (id: string, createdAt: string, editedAt: string | null = null): InventoryPrompt => ({
  id,
  text: `text of ${id}`,
  createdAt,
  editedAt,
});

describe('computeReport', () => {
  it('reports an empty inventory as zeros', () => {
    expect(computeReport({ brand, prompts: [] }, now)).toEqual({
      version: 2,
      generatedAt: '2025-06-30T12:00:00.000Z',
      brand,
      totals: { prompts: 0, createdLast7Days: 0, createdLast30Days: 0, editedLast7Days: 0, editedLast30Days: 0 },
      prompts: [],
      providers: [],
    });
  });

  it('counts creations and last edits within 7 and 30 days, boundaries included', () => {
    const prompts = [
      prompt('today', daysAgo(0)),
      prompt('week-edge', daysAgo(7)), // exactly 7 days: counts for both windows
      prompt('just-over-week', daysAgo(7, 1), daysAgo(1)),
      prompt('month-edge', daysAgo(30), daysAgo(30)),
      prompt('old', daysAgo(90), daysAgo(30, 1)),
      prompt('never-touched', daysAgo(400)),
    ];
    const { totals } = computeReport({ brand, prompts }, now);
    expect(totals).toEqual({
      prompts: 6,
      createdLast7Days: 2,
      createdLast30Days: 4,
      editedLast7Days: 1,
      editedLast30Days: 2,
    });
  });

  it('counts a timestamp slightly ahead of the clock as recent', () => {
    const ahead = new Date(now.getTime() + 2000).toISOString();
    expect(computeReport({ brand, prompts: [prompt('a', ahead)] }, now).totals.createdLast7Days).toBe(1);
  });

  it('lists every prompt with its last edit time, most recently touched first', () => {
    const prompts = [
      prompt('created-long-ago-edited-today', daysAgo(60), daysAgo(0)),
      prompt('created-yesterday', daysAgo(1)),
      prompt('created-last-week', daysAgo(6)),
    ];
    const report = computeReport({ brand, prompts }, now);
    expect(report.prompts).toEqual([
      {
        id: 'created-long-ago-edited-today',
        text: 'text of created-long-ago-edited-today',
        createdAt: daysAgo(60),
        lastEditedAt: daysAgo(0),
      },
      { id: 'created-yesterday', text: 'text of created-yesterday', createdAt: daysAgo(1), lastEditedAt: null },
      { id: 'created-last-week', text: 'text of created-last-week', createdAt: daysAgo(6), lastEditedAt: null },
    ]);
  });

  it('does not change its input', () => {
    const prompts = [prompt('b', daysAgo(2)), prompt('a', daysAgo(1))];
    const copy = structuredClone(prompts);
    computeReport({ brand, prompts }, now);
    expect(prompts).toEqual(copy);
  });
});
