import { elmoCatalog } from '@elmo/elmo-telemetry';
import { describe, expect, it } from 'vitest';
import { unanswerable, unusedEvents } from '../src/coverage.js';
import { defineQuestion } from '../src/question.js';
import { QUESTIONS, UNASKED } from '../src/questions.js';

// SPEC §11: a question the catalog cannot answer is a failing test, and so is an event no question needs.

describe('questions and catalog cover each other', () => {
  it('every question can be answered from the catalog: its events and properties are declared there', () => {
    expect(unanswerable(QUESTIONS, elmoCatalog)).toEqual([]);
  });

  it('every catalog event is needed by a question (or listed with the reason none does)', () => {
    expect(unusedEvents(QUESTIONS, elmoCatalog, UNASKED)).toEqual([]);
    for (const [event, reason] of Object.entries(UNASKED)) {
      expect(Object.keys(elmoCatalog.events), `UNASKED lists ${event}`).toContain(event);
      expect(reason.length, `the reason ${event} answers no question`).toBeGreaterThan(20);
    }
  });

  it('every question has a seed, and ids are unique', () => {
    expect(new Set(QUESTIONS.map((q) => q.id)).size).toBe(QUESTIONS.length);
    for (const q of QUESTIONS) expect(q.seeds.length, q.id).toBeGreaterThan(0);
  });

  it('a question needing an event or property the catalog lacks is reported', () => {
    const wishful = defineQuestion({
      id: 'wishful',
      text: 'Which countries do people run Elmo in?',
      seeds: ['003'],
      needs: [
        { event: 'deployment_started', properties: ['country'] },
        { event: 'page_views', properties: ['rows[].page', 'rows[].referrer', 'views[].page'] },
        { event: 'user_signed_in' },
        { event: 'newsletter_signup', personProperties: ['name'] },
      ],
      answer: () => 0,
      render: () => [],
    });
    expect(unanswerable([wishful], elmoCatalog)).toEqual([
      'wishful: `deployment_started` has no property `country` in the catalog',
      'wishful: `page_views` has no rows column `rows[].referrer` in the catalog',
      'wishful: `page_views` has no rows column `views[].page` in the catalog',
      'wishful: the catalog has no event `user_signed_in`',
      'wishful: `newsletter_signup` may not set the person property `name`',
    ]);
  });

  it('an event no question needs is reported', () => {
    const withoutPageViews = QUESTIONS.filter((q) => !q.needs.some((n) => n.event === 'page_views'));
    expect(unusedEvents(withoutPageViews, elmoCatalog, UNASKED)).toEqual([
      '`page_views` is in the catalog but no question needs it (give it a question, or list it with a reason)',
    ]);
    expect(unusedEvents(withoutPageViews, elmoCatalog, { page_views: 'a reason long enough to be one' })).toEqual([]);
  });
});
