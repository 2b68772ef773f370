import { describe, expect, it } from 'vitest';
import { filterBrowserEvent } from './index.js';

describe('filterBrowserEvent', () => {
  const allowed = { $pageview: ['$pathname'] };
  it('keeps only allowed properties of allowed events, adding common ones', () => {
    const filtered = filterBrowserEvent(
      {
        event: '$pageview',
        properties: {
          token: 'phc',
          distinct_id: 'd',
          $pathname: '/brands/[id]',
          $current_url: 'http://127.0.0.1/brands/42?name=Acme',
          $referrer: 'http://intranet/secret',
          $screen_height: 900,
          $raw_user_agent: 'Mozilla',
        },
      },
      allowed,
      { source: 'browser' },
    );
    expect(filtered).toEqual({
      event: '$pageview',
      properties: {
        source: 'browser',
        token: 'phc',
        distinct_id: 'd',
        $pathname: '/brands/[id]',
        $process_person_profile: false,
        $geoip_disable: true,
      },
    });
  });

  it('drops events the catalog does not allow from the browser', () => {
    expect(filterBrowserEvent({ event: '$autocapture', properties: {} }, allowed, {})).toBeNull();
  });
});
