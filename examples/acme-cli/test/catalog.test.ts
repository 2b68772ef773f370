import { eventsExpiringWithin } from '@elmo/telemetry-core';
import { describe, expect, it } from 'vitest';
import { acmeCatalog } from '../src/names.js';

describe('acme’s catalog', () => {
  // The core's expiry rule holds for any adopter: on the real date, this fails 30 days before an unrenewed expiry.
  it('no event expires within the next 30 days', () => {
    const soon = eventsExpiringWithin(acmeCatalog, Date.now(), 30).map(
      ({ name, date, daysLeft }) =>
        `${name} expires on ${date}, in ${daysLeft} days: renew it in src/names.ts or remove the event`,
    );
    expect(soon, soon.join('\n')).toEqual([]);
  });
});
