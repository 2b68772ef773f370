import { describe, expect, it } from 'vitest';
import { defineCatalog, defineEvent, type EventSpec, eventsExpiringWithin, isExpired, prop } from './catalog.js';

const governance = { owner: '@test/owners', question: 'q?', added: '1.0.0' } as const;

function catalogOf(...events: EventSpec[]) {
  return defineCatalog({ consentVersion: 1, common: {}, neverCollected: [], events });
}

function event(overrides: Record<string, unknown>): EventSpec {
  return { name: 'e', purpose: 'p', version: 1, properties: {}, ...governance, expires: { never: 'r' }, ...overrides };
}

describe('catalog governance (SPEC §5)', () => {
  it('defineEvent requires an owner, a question, the version it was added in and an expiry (type-level)', () => {
    // @ts-expect-error: no governance at all
    defineEvent({ name: 'a', purpose: 'p', version: 1, properties: {} });
    // @ts-expect-error: no expiry
    defineEvent({ name: 'a', purpose: 'p', version: 1, properties: {}, owner: 'o', question: 'q', added: '1.0.0' });
    // @ts-expect-error: a date that is not YYYY-MM-DD
    defineEvent({ name: 'a', purpose: 'p', version: 1, properties: {}, ...governance, expires: { date: 'soon' } });
    const ok = defineEvent({
      name: 'a',
      purpose: 'p',
      version: 1,
      properties: { n: prop.count('n') },
      ...governance,
      expires: { date: '2027-12-31' },
    });
    expect(ok.expires).toEqual({ date: '2027-12-31' });
  });

  it.each([
    [{ owner: '' }, '`owner` is required'],
    [{ question: ' ' }, '`question` is required'],
    [{ added: undefined }, '`added` is required'],
    [{ expires: undefined }, '`expires` must be'],
    [{ expires: { never: '' } }, '`expires.never` needs the reason'],
    [{ expires: { date: '31/12/2027' } }, '`expires` must be'],
    [{ expires: { date: '2027-02-30' } }, '`expires` must be'],
    [{ expires: { date: '2027-13-01' } }, '`expires` must be'],
  ])('defineCatalog refuses %j', (overrides, message) => {
    expect(() => catalogOf(event(overrides))).toThrow(`event "e": ${message}`);
  });

  it('isExpired: still sent on its expiry date (UTC), expired from the next midnight; never never expires', () => {
    const dated = { expires: { date: '2026-01-02' } } as const;
    expect(isExpired(dated, Date.UTC(2026, 0, 2, 23, 59, 59, 999))).toBe(false);
    expect(isExpired(dated, Date.UTC(2026, 0, 3))).toBe(true);
    expect(isExpired({ expires: { never: 'lifecycle' } }, Date.UTC(9999, 0, 1))).toBe(false);
  });

  it('eventsExpiringWithin lists dated events due within the window (or past), soonest first', () => {
    const catalog = catalogOf(
      event({ name: 'far', expires: { date: '2026-03-01' } }),
      event({ name: 'edge', expires: { date: '2026-01-31' } }),
      event({ name: 'past', expires: { date: '2025-12-25' } }),
      event({ name: 'lifecycle' }),
    );
    const now = Date.UTC(2026, 0, 1, 18);
    expect(eventsExpiringWithin(catalog, now, 30)).toEqual([
      { name: 'past', owner: '@test/owners', date: '2025-12-25', daysLeft: -7 },
      { name: 'edge', owner: '@test/owners', date: '2026-01-31', daysLeft: 30 },
    ]);
    expect(eventsExpiringWithin(catalog, now, 29).map((e) => e.name)).toEqual(['past']);
  });
});
