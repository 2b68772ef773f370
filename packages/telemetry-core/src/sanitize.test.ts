import { createRandom } from '@elmo/test-support';
import { describe, expect, it } from 'vitest';
import { prop } from './catalog.js';
import { coerceValue, isUuid, sanitizeProperties } from './sanitize.js';

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

// sanitize.ts checks these two shapes by hand (a regular expression costs a CLI run its compilation); the patterns
// stay here as the definition the hand-written checks must agree with on every string.
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const VERSION_PATTERN = /^v?\d{1,6}\.\d{1,6}(?:\.\d{1,6})?(?:-(?:alpha|beta|rc|canary|next|dev|pre)(?:\.\d{1,6})*)?$/;

/** Strings near the shape: valid ones, and each mutated by a replaced, inserted or removed character. */
function nearMisses(valid: () => string, alphabet: string, random: () => number, count: number): string[] {
  const pick = (text: string) => text[Math.floor(random() * text.length)] ?? '';
  const out: string[] = [];
  for (let i = 0; i < count; i += 1) {
    let text = valid();
    const edits = Math.floor(random() * 3);
    for (let e = 0; e < edits; e += 1) {
      const at = Math.floor(random() * (text.length + 1));
      const kind = Math.floor(random() * 3);
      if (kind === 0) text = text.slice(0, at) + pick(alphabet) + text.slice(at + 1);
      else if (kind === 1) text = text.slice(0, at) + pick(alphabet) + text.slice(at);
      else text = text.slice(0, at) + text.slice(at + 1);
    }
    out.push(text);
  }
  return out;
}

/** Runs `check` on each sample with the pattern's answer; both answers must be well represented. */
function checkAgainst(pattern: RegExp, samples: readonly string[], check: (text: string, matches: boolean) => void) {
  let matching = 0;
  for (const text of samples) {
    const matches = pattern.test(text);
    if (matches) matching += 1;
    check(text, matches);
  }
  // Agreement means something only when both answers came up often.
  expect(matching).toBeGreaterThan(1000);
  expect(samples.length - matching).toBeGreaterThan(1000);
}

describe('the UUID and version shapes agree with their patterns', () => {
  const random = createRandom(20261203);
  const hex = '0123456789abcdefABCDEF';
  const digits = (max: number) => String(Math.floor(random() * 10 ** (1 + Math.floor(random() * max))));

  it('UUIDs: valid, mutated and odd strings', () => {
    const uuid = () => {
      const part = (n: number) => Array.from({ length: n }, () => hex[Math.floor(random() * hex.length)]).join('');
      // Mostly a valid version and variant, so that the mutations land on both sides of the shape.
      const version = random() < 0.9 ? String(1 + Math.floor(random() * 8)) : part(1);
      const variant = random() < 0.9 ? ('89abAB'[Math.floor(random() * 6)] as string) : part(1);
      return `${part(8)}-${part(4)}-${version}${part(3)}-${variant}${part(3)}-${part(12)}`;
    };
    const samples = [
      ...nearMisses(uuid, `${hex}-gG xz\n`, random, 20_000),
      '',
      '00000000-0000-1000-8000-000000000000',
      '00000000-0000-9000-8000-000000000000',
      '00000000-0000-4000-c000-000000000000',
      '00000000-0000-4000-B000-00000000000A',
      '00000000-0000-4000-8000-000000000000\n',
    ];
    checkAgainst(UUID_PATTERN, samples, (text, matches) => {
      expect(isUuid(text), JSON.stringify(text)).toBe(matches);
      expect(coerceValue(prop.id('an id'), text), JSON.stringify(text)).toBe(matches ? text.toLowerCase() : undefined);
    });
  });

  it('versions: valid, mutated and odd strings', () => {
    const words = ['alpha', 'beta', 'rc', 'canary', 'next', 'dev', 'pre', 'final', 'alphabet', 'pr'];
    const version = () => {
      let text = `${random() < 0.3 ? 'v' : ''}${digits(7)}.${digits(7)}`;
      if (random() < 0.6) text += `.${digits(7)}`;
      if (random() < 0.4) {
        text += `-${words[Math.floor(random() * words.length)]}`;
        while (random() < 0.4) text += `.${digits(7)}`;
      }
      return text;
    };
    const samples = [
      ...nearMisses(version, '0123456789.-vrcaphx ', random, 20_000),
      '',
      'v',
      '1.',
      '.1',
      '1.2.3.4',
      '1.2-rc.',
      '1.2.3-rc.1.22.333',
      '20.20.2\n',
      '1234567.1',
      '123456.123456.123456',
    ];
    checkAgainst(VERSION_PATTERN, samples, (text, matches) => {
      expect(coerceValue(prop.version('a version'), text), JSON.stringify(text)).toBe(
        matches ? text.replace(/^v/, '') : undefined,
      );
    });
  });
});
