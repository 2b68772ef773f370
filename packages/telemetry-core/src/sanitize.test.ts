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

describe('rows properties', () => {
  const rowsSpec = {
    rows: prop.rows(
      { route: prop.enum(['/a', '/b'], 'route'), count: prop.count('n'), p50_ms: prop.durationMs('ms') },
      'rows',
      2,
    ),
  };

  it('keeps declared columns of the right kind in each row, and nothing else', () => {
    const result = sanitizeProperties(rowsSpec, {
      rows: [
        { route: '/a', count: 3, p50_ms: 1.6, note: 'free text', path: '/a/42' },
        { route: '/c', count: -1 },
      ],
    });
    // The second row has no column left (an undeclared value, a negative count): it is dropped whole.
    expect(result).toEqual({ properties: { rows: [{ route: '/a', count: 3, p50_ms: 2 }] }, dropped: [] });
  });

  it('drops a row that is not a record, and every row past maxRows', () => {
    const result = sanitizeProperties(rowsSpec, {
      rows: ['/a', null, [{ route: '/a' }], { route: '/a', count: 1 }, { route: '/b', count: 2 }],
    });
    // Only the first two entries are read (maxRows 2), and neither is a record.
    expect(result).toEqual({ properties: {}, dropped: ['rows'] });
    expect(sanitizeProperties(rowsSpec, { rows: [{ count: 1 }, { count: 2 }, { count: 3 }] }).properties.rows).toEqual([
      { count: 1 },
      { count: 2 },
    ]);
  });

  it('never lets free text through: a string, an object or a text column value is dropped', () => {
    for (const rows of ['/a', { route: '/a' }, [{ route: 'Acme Corp' }], [{ count: '3' }], 7]) {
      expect(sanitizeProperties(rowsSpec, { rows }), JSON.stringify(rows)).toEqual({
        properties: {},
        dropped: ['rows'],
      });
    }
  });

  it('reads only declared column names, so an own __proto__ key changes nothing', () => {
    const row = JSON.parse('{"__proto__": {"polluted": "yes"}, "count": 4}');
    const { properties } = sanitizeProperties(rowsSpec, { rows: [row] });
    expect(properties.rows).toEqual([{ count: 4 }]);
    expect(Object.getPrototypeOf((properties.rows as object[])[0])).toBe(Object.prototype);
  });
});
