import { createRandom } from '@elmo/test-support';
import { parse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { EnvValueError, editEnvText, formatEnvValue } from './env-text.js';

// A seeded generator: the same seed gives the same cases, so a failure names its reproduction.
function random(seed: number) {
  const next = createRandom(seed);
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}
type Random = ReturnType<typeof random>;

// What makes a value hard to write: every quote kind, backslashes (also before n and r), `#`, line breaks, `$`,
// edge spaces, Unicode (including a surrogate pair, a non-breaking space and JavaScript's own line separator).
const PIECES = [
  "'",
  '"',
  '`',
  '\\',
  '\\n',
  '\\r',
  '#',
  ' #',
  '\n',
  '\r\n',
  '\r',
  '$',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal `${…}`, which dotenv leaves as it is.
  '${HOME}',
  ' ',
  '\t',
  '=',
  ': ',
  'n',
  'abc',
  'Z9',
  'é',
  '中文',
  '😀',
  '\u00a0',
  '\u2028',
  'export ',
  '/p@h:5432/db',
] as const;

function randomValue(r: Random): string {
  let value = '';
  for (let i = r.int(r.int(3) === 0 ? 3 : 12); i > 0; i -= 1) value += r.pick(PIECES);
  return value;
}

const KEY = 'K';
const OTHER_KEYS = ['A', 'B_2', 'lower', 'C'] as const;

// A block is one or more whole lines that dotenv reads on their own, whatever surrounds them.
function otherBlock(r: Random): string {
  const key = r.pick(OTHER_KEYS);
  switch (r.int(9)) {
    case 0:
      return r.pick([
        '# a comment',
        "# it's",
        '# say "hi"',
        "# '",
        '# "',
        '# `',
        '#',
        '   # indented',
        '# K=commented',
      ]);
    case 1:
      return r.pick(['', '   ']);
    case 2:
      return r.pick(['not an assignment', '=no key', 'K and words', 'K:nospace']);
    case 3:
      return `export ${key}=plain`;
    case 4:
      return `${key} = "spaced value" # inline`;
    case 5:
      return `${key}: colon value`;
    case 6:
      return `${key}='two\nlines'`;
    default: {
      const value = randomValue(r);
      try {
        return `${key}=${formatEnvValue(key, value)}`;
      } catch {
        return `${key}=fallback`;
      }
    }
  }
}

function keyBlock(r: Random): string {
  switch (r.int(7)) {
    case 0:
      return 'K=old';
    case 1:
      return 'export K=old # note';
    case 2:
      return '  K = "old"';
    case 3:
      return 'K: old';
    case 4:
      return "K='old\nK=inside the quotes'";
    case 5:
      return 'K=';
    default:
      try {
        return `K=${formatEnvValue(KEY, randomValue(r))}`;
      } catch {
        return 'K=fallback';
      }
  }
}

interface Sample {
  blocks: { text: string; isKey: boolean; terminator: string }[];
  text: string;
}

function randomText(r: Random): Sample {
  const eol = r.int(4) === 0 ? '\r\n' : '\n';
  const count = r.int(8);
  const blocks = Array.from({ length: count }, () => {
    const isKey = r.int(4) === 0;
    return { text: (isKey ? keyBlock(r) : otherBlock(r)).replaceAll('\n', eol), isKey, terminator: eol };
  });
  const last = blocks[blocks.length - 1];
  if (last && r.int(3) === 0) last.terminator = '';
  return { blocks, text: blocks.map((b) => b.text + b.terminator).join('') };
}

const joined = (blocks: Sample['blocks']) => blocks.map((b) => b.text + b.terminator).join('');

// The independent witness for a refusal: no way of quoting the value survives dotenv next to lines that end in
// each quote kind (the worst neighbours a trailing backslash can meet).
function someQuotingWorks(value: string): boolean {
  const escaped = value.replaceAll('\n', '\\n').replaceAll('\r', '\\r');
  const quoted = (q: string) => [`${q}${value}${q}`, `${q}${escaped}${q}`, ` ${q}${value}${q} `];
  const forms = [value, ...quoted("'"), ...quoted('"'), ...quoted('`')];
  return forms.some((form) => {
    const parsed = parse(`K=${form}\n# '\n# "\n# \`\nZ=1\n`);
    return parsed.K === value && parsed.Z === '1';
  });
}

describe('editEnvText round-trips through dotenv (property)', () => {
  const RUNS = 5000;

  it(`sets any value so dotenv reads it back, leaving every other line as it was (${RUNS} cases)`, () => {
    const r = random(0x5eed);
    let refused = 0;
    let replaced = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const sample = randomText(r);
      const value = randomValue(r);
      const context = `case ${run}: ${JSON.stringify({ text: sample.text, value })}`;
      const before = parse(sample.text);
      // The generator's promise: each block reads the same alone as in the file.
      expect(before, context).toEqual(Object.assign({}, ...sample.blocks.map((b) => parse(b.text))));

      let next: string;
      try {
        next = editEnvText(sample.text, { [KEY]: value });
      } catch (error) {
        expect(error, context).toBeInstanceOf(EnvValueError);
        expect(() => formatEnvValue(KEY, value), context).toThrow(EnvValueError);
        expect(someQuotingWorks(value), context).toBe(false);
        refused += 1;
        continue;
      }
      expect(parse(next), context).toEqual({ ...before, [KEY]: value });

      const first = sample.blocks.findIndex((b) => b.isKey);
      const others = sample.blocks.filter((b) => !b.isKey);
      if (first === -1) {
        expect(next.startsWith(sample.text), context).toBe(true);
        expect(parse(next.slice(sample.text.length)), context).toEqual({ [KEY]: value });
      } else {
        replaced += 1;
        const prefix = joined(sample.blocks.slice(0, first));
        const suffix = joined(sample.blocks.slice(first + 1).filter((b) => !b.isKey));
        expect(next.startsWith(prefix) && next.endsWith(suffix), context).toBe(true);
        const line = next.slice(prefix.length, next.length - suffix.length);
        expect(line.startsWith(`${KEY}=`), context).toBe(true);
        expect(parse(line), context).toEqual({ [KEY]: value });
      }

      const { [KEY]: _removed, ...rest } = before;
      expect(editEnvText(sample.text, { [KEY]: null }), context).toBe(joined(others));
      expect(parse(editEnvText(next, { [KEY]: null })), context).toEqual(rest);
    }
    // The generator reaches both kinds of case, and most values can be written.
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(RUNS * 0.2);
    expect(replaced).toBeGreaterThan(RUNS * 0.3);
  });

  it('writes several keys at once, each read back', () => {
    const r = random(42);
    for (let run = 0; run < 500; run += 1) {
      const sample = randomText(r);
      const edits: Record<string, string | null> = {};
      for (const key of ['K', 'NEW', 'A']) {
        const value = randomValue(r);
        edits[key] = r.int(4) === 0 ? null : value;
      }
      let next: string;
      try {
        next = editEnvText(sample.text, edits);
      } catch (error) {
        expect(error).toBeInstanceOf(EnvValueError);
        continue;
      }
      const expected: Record<string, string> = { ...parse(sample.text) };
      for (const [key, value] of Object.entries(edits)) {
        if (value === null) delete expected[key];
        else expected[key] = value;
      }
      expect(parse(next), JSON.stringify({ text: sample.text, edits })).toEqual(expected);
    }
  });
});

describe('formatEnvValue', () => {
  it.each([
    ['1', '1'],
    ['', '""'],
    ['postgres://u@h:5432/db', 'postgres://u@h:5432/db'],
    ['a b # c', '"a b # c"'],
    ['line one\nline two', '"line one\\nline two"'],
    ['say "hi"', '\'say "hi"\''],
    ['C:\\new\\"x"', '\'C:\\new\\"x"\''],
    ['a\'b"c\n', '`a\'b"c\n`'],
    ['a\'b"c`d\n', '"a\'b"c`d\\n"'],
    ['it\'s "x" # 1', '`it\'s "x" # 1`'],
  ])('writes %j as %s', (value, written) => {
    expect(formatEnvValue('K', value)).toBe(written);
    expect(parse(`K=${written}\n`).K).toBe(value);
  });

  it('refuses a value no quoting can hold, naming the key', () => {
    expect(() => formatEnvValue('SECRET', 'a\'b"c`d #\n')).toThrow(/SECRET/);
    expect(() => formatEnvValue('SECRET', 'ends with a backslash and # \\')).toThrow(EnvValueError);
    expect(() => formatEnvValue('SECRET', 'nul\0')).toThrow(EnvValueError);
  });
});

describe('editEnvText on the lines dotenv accepts', () => {
  it.each([['K=1\n'], ['K = 1\n'], ['export K=1\n'], ['K: 1\n'], ['  export   K:  1 # note\n']])(
    'replaces and removes %j',
    (line) => {
      const text = `# top\n${line}B=2\n`;
      expect(editEnvText(text, { K: 'new' })).toBe('# top\nK=new\nB=2\n');
      expect(editEnvText(text, { K: null })).toBe('# top\nB=2\n');
    },
  );

  it('treats a quoted value over several lines as one assignment', () => {
    const text = 'A=\'first\nK=not a key\'\nK="x\ny"\nB=1\n';
    expect(editEnvText(text, { K: 'z' })).toBe("A='first\nK=not a key'\nK=z\nB=1\n");
    expect(parse(editEnvText(text, { K: 'z' }))).toEqual({ A: 'first\nK=not a key', K: 'z', B: '1' });
  });

  it('refuses an edit that would change how dotenv reads a neighbouring line', () => {
    // `A:` at the end reads as empty; with a line after it, dotenv takes that line as A's value.
    expect(parse('A:\n')).toEqual({ A: '' });
    expect(() => editEnvText('A:\n', { K: 'x' })).toThrow(/fix it by hand/);
  });
});
