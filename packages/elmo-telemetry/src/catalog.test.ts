import { eventsExpiringWithin } from '@elmo/telemetry-core';
import { describe, expect, it } from 'vitest';
import { elmoCatalog, isValidEmail } from './catalog.js';
import { API_ROUTES, FEATURE_COUNTERS, PAGE_ROUTES } from './names.js';

describe('elmoCatalog', () => {
  it('declares every event of SPEC §2', () => {
    expect(Object.keys(elmoCatalog.events).sort()).toEqual(
      [
        'api_requests',
        'cli_command',
        'cli_init',
        'deletion_request',
        'deployment_started',
        'deployment_stopped',
        'feature_usage',
        'heartbeat',
        'install_complete',
        'newsletter_signup',
        'page_views',
        'provider_usage',
        'update_complete',
      ].sort(),
    );
  });

  it('has a property for every feature counter and every API route as a route value', () => {
    for (const counter of FEATURE_COUNTERS) expect(elmoCatalog.events.feature_usage.properties).toHaveProperty(counter);
    expect(elmoCatalog.events.api_requests.properties.rows.columns.route.values).toEqual(API_ROUTES);
  });

  it('sends API requests and page views as bounded rows by template, with room for every key there can be', () => {
    const api = elmoCatalog.events.api_requests.properties.rows;
    expect(Object.keys(api.columns)).toEqual(['route', 'method', 'status_class', 'count', 'p50_ms', 'p95_ms']);
    expect(api.maxRows).toBe(
      API_ROUTES.length * api.columns.method.values.length * api.columns.status_class.values.length,
    );
    const pages = elmoCatalog.events.page_views.properties.rows;
    expect(pages.columns.page.values).toEqual(PAGE_ROUTES);
    expect(pages.maxRows).toBe(PAGE_ROUTES.length);
    // The browser's own event is counted on the server, never sent: it is not in the catalog.
    expect(Object.keys(elmoCatalog.events)).not.toContain('$pageview');
  });

  it('marks only the newsletter signup and the deletion request as explicit', () => {
    const explicit = Object.values(elmoCatalog.events).filter((e) => 'explicit' in e && e.explicit);
    expect(explicit.map((e) => e.name).sort()).toEqual(['deletion_request', 'newsletter_signup']);
  });

  it('every event names its owner, the question it answers, the version it was added in and its expiry', () => {
    for (const event of Object.values(elmoCatalog.events)) {
      expect(event.owner, event.name).toMatch(/^@[\w.-]+(\/[\w.-]+)?$/);
      expect(event.question, event.name).toMatch(/\?$/);
      expect(event.added, event.name).toMatch(/^\d+\.\d+\.\d+$/);
      if ('never' in event.expires) expect(event.expires.never.length, event.name).toBeGreaterThan(10);
    }
  });

  // Glean's rule (SPEC §5), on the real date on purpose: this starts failing 30 days before an expiry nobody renewed.
  it('no event expires within the next 30 days', () => {
    const soon = eventsExpiringWithin(elmoCatalog, Date.now(), 30).map(
      ({ name, owner, date, daysLeft }) =>
        `${name} (owner ${owner}) expires on ${date}, in ${daysLeft} days: renew it (a later \`expires.date\` in ` +
        'packages/elmo-telemetry/src/catalog.ts, if its question still needs answering) or let it go (remove the ' +
        'event and its calls), then run `pnpm docs:telemetry`. After that date it is no longer sent.',
    );
    expect(soon, soon.join('\n')).toEqual([]);
  });

  it.each([
    ['alice@example.com', true],
    ['a.b+c@sub.example.co.uk', true],
    ['alice', false],
    ['alice@', false],
    ['alice@localhost', false],
    ['a b@example.com', false],
    ['<script>@example.com', false],
  ])('isValidEmail(%s) → %s', (value, expected) => {
    expect(isValidEmail(value)).toBe(expected);
  });
});
