import { describe, expect, it } from 'vitest';
import { prop } from './catalog.js';
import { sanitizeProperties } from './sanitize.js';

const specs = {
  command: prop.enum(['init', 'start'], 'command'),
  flags: prop.enumList(['dir', 'yes'], 'flags', 3),
  count: prop.count('n'),
  duration_ms: prop.durationMs('ms'),
  uptime_hours: prop.hours('h'),
  ok: prop.boolean('b'),
  product_version: prop.version('v'),
  session_id: prop.id('id'),
};

describe('sanitizeProperties', () => {
  it('keeps declared properties whose values fit their kind', () => {
    const result = sanitizeProperties(specs, {
      command: 'init',
      flags: ['yes', 'dir', 'yes'],
      count: 3,
      duration_ms: 12.6,
      uptime_hours: 24.456,
      ok: false,
      product_version: 'v1.2.3',
      session_id: '3F2504E0-4F89-41D3-9A0C-0305E82C3301',
    });
    expect(result).toEqual({
      properties: {
        command: 'init',
        flags: ['dir', 'yes'],
        count: 3,
        duration_ms: 13,
        uptime_hours: 24.46,
        ok: false,
        product_version: '1.2.3',
        session_id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      },
      dropped: [],
    });
  });

  it.each([
    ['command', 'rm -rf /home/alice'],
    ['flags', ['dir', '--token=s3cr3t']],
    ['flags', ['dir', 'yes', 'dir', 'yes']],
    ['count', -1],
    ['count', 1.5],
    ['count', '3'],
    ['duration_ms', Number.NaN],
    ['uptime_hours', -2],
    ['ok', 'true'],
    ['product_version', '1.2.3-alice@example.com'],
    ['product_version', '/home/alice/1.2.3'],
    ['session_id', 'alice'],
    ['unknown', 'x'],
    ['__proto__', 'x'],
  ])('drops %s = %j', (name, value) => {
    const result = sanitizeProperties(specs, { [name]: value });
    expect(result.properties).toEqual({});
    expect(result.dropped).toEqual([name]);
  });
});
