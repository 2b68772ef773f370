import { describe, expect, it } from 'vitest';
import { elmoCatalog, isValidEmail } from './catalog.js';
import { API_ROUTES, FEATURE_COUNTERS } from './names.js';

describe('elmoCatalog', () => {
  it('declares every event of SPEC §2', () => {
    expect(Object.keys(elmoCatalog.events).sort()).toEqual(
      [
        '$pageview',
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
        'update_complete',
      ].sort(),
    );
  });

  it('has a property for every feature counter and every API route as a route value', () => {
    for (const counter of FEATURE_COUNTERS) expect(elmoCatalog.events.feature_usage.properties).toHaveProperty(counter);
    expect(elmoCatalog.events.api_requests.properties.route.values).toEqual(API_ROUTES);
  });

  it('marks only the newsletter signup and the deletion request as explicit', () => {
    const explicit = Object.values(elmoCatalog.events).filter((e) => 'explicit' in e && e.explicit);
    expect(explicit.map((e) => e.name).sort()).toEqual(['deletion_request', 'newsletter_signup']);
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
