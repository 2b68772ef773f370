import type { ReportResult, ReportResultV1 } from '@elmo/app-shared';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ReportBody } from './report-body';

// The report page's body as the server renders it: provider results in words and in an accessible table, and
// old reports without providers still shown.

const at = '2026-11-30T10:00:00.000Z';
const noErrors = { timeout: 0, rate_limited: 0, auth: 0, server: 0, other: 0 };
const v1: ReportResultV1 = {
  version: 1,
  generatedAt: at,
  brand: { id: 'b1', name: 'Acme' },
  totals: { prompts: 2, createdLast7Days: 2, createdLast30Days: 2, editedLast7Days: 0, editedLast30Days: 0 },
  prompts: [
    { id: 'p1', text: 'Is Acme good?', createdAt: at, lastEditedAt: null },
    { id: 'p2', text: 'Best coffee?', createdAt: at, lastEditedAt: null },
  ],
};
const v2: ReportResult = {
  ...v1,
  version: 2,
  providers: [
    {
      provider: 'offline',
      answered: 2,
      mentioned: 1,
      failed: 0,
      calls: 2,
      errors: noErrors,
      answers: [
        { promptId: 'p1', mentioned: true, position: 2, error: null },
        { promptId: 'p2', mentioned: false, position: null, error: null },
      ],
    },
    {
      provider: 'openai_compatible',
      answered: 1,
      mentioned: 1,
      failed: 1,
      calls: 4,
      errors: { ...noErrors, server: 3 },
      answers: [
        { promptId: 'p1', mentioned: true, position: 1, error: null },
        { promptId: 'p2', mentioned: false, position: null, error: { kind: 'server', status: 500 } },
      ],
    },
  ],
};

const render = (result: ReportResult | ReportResultV1) => renderToStaticMarkup(createElement(ReportBody, { result }));
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('report body', () => {
  it('shows each provider with its counts and its failed calls in words', () => {
    const html = render(v2);
    expect(html).toContain('<h3 id="provider-offline-heading">Offline</h3>');
    expect(html).toContain('<h3 id="provider-openai_compatible-heading">OpenAI-compatible</h3>');
    const words = text(html);
    expect(words).toContain('Prompts answered 1 Answers mentioning Acme 1 Prompts without an answer 1');
    expect(words).toContain('4 calls, 3 failed.');
    expect(words).toContain(
      'Failed calls by class 3 server errors (HTTP 500): 2 retried, 1 prompt left without an answer',
    );
    expect(words).toContain('2 calls, none failed.');
    expect(html).not.toContain('Provider results did not exist');
  });

  it('tables the prompts against the providers with headers, a caption and the outcome in words', () => {
    const html = render(v2);
    expect(html).toContain('<caption>Whether each provider&#x27;s answer to a prompt mentions Acme</caption>');
    expect(html).toContain('<th scope="col">Offline</th><th scope="col">OpenAI-compatible</th>');
    expect(html).toContain('<th scope="row" class="prompt-cell">Best coffee?</th>');
    const rows = [...html.matchAll(/<tr><th scope="row"[\s\S]*?<\/tr>/g)].map((m) => text(m[0]).trim());
    expect(rows).toEqual([
      'Is Acme good? ✓ Mentioned, line 2 ✓ Mentioned, line 1',
      'Best coffee? – Not mentioned ✕ Failed: server error (HTTP 500)',
    ]);
    // The marks repeat the words for sighted readers only.
    expect(html).toContain('<span class="answer-mark" aria-hidden="true">✕</span>');
  });

  it('says when no provider was asked', () => {
    expect(text(render({ ...v2, providers: [] }))).toContain('No provider was asked for this report.');
  });

  it('still shows a report from before providers, with a note instead of their results', () => {
    const html = render(v1);
    expect(text(html)).toContain('Provider results did not exist when this report ran.');
    expect(html).toContain('<td class="prompt-cell">Is Acme good?</td>');
    expect(html).not.toContain('<caption>');
  });
});
