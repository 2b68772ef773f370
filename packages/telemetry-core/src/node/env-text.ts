import { parse } from 'dotenv';

// The `.env` text editor. Reading is dotenv's own `parse`; writing picks, per value, a form that `parse` reads back
// unchanged, and every edit is checked by parsing the result, so a change can never report success while the file
// says something else. What dotenv 17's parser does with a line (lib/main.js):
// - The whole text has `\r\n` and `\r` turned into `\n` first, so a literal carriage return cannot survive.
// - A value starting with a quote is taken up to the matching quote when only spaces or a comment follow it;
//   `'…'` and `` `…` `` verbatim (newlines included), `"…"` with `\n` and `\r` (backslash, letter) turned into a
//   newline and a carriage return. Nothing else is unescaped: `\\` and `\"` stay as they are.
// - Otherwise the value runs to the first `#` or line end and is trimmed; if it then starts and ends with the same
//   quote, those are removed (and `\n`, `\r` expanded for `"`), so `"a "b" c"` reads as `a "b" c`.
// - A backslash right before a closing quote lets the match run on to a later quote of that kind at a line end.
// Rather than restate these rules, a candidate form is accepted only if `parse` reads it back next to lines that
// end in each quote kind, the worst neighbours a value can have (see `readsBack`).

/** A value that no form of a dotenv line reads back unchanged, or an edit that would change other lines. */
export class EnvValueError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`cannot write ${key} to the .env file: ${reason}`);
    this.name = 'EnvValueError';
  }
}

// dotenv 17.4's line pattern (lib/main.js, `LINE`), kept verbatim apart from `(?:^|^)` written as `^`, and the `d`
// flag for match positions: the editor finds exactly the assignments `parse` reads, including `export K=`,
// `K = v`, `K: v` and quoted values over several lines. The check after each edit catches any drift.
const DOTENV_LINE =
  /^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$/dgm;

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Line ends as JavaScript's multiline `^` and `$` see them; after dotenv's `\r\n?` → `\n` each is one character.
const LINE_END = /\r\n|[\r\n\u2028\u2029]/g;
const PLAIN = /^[A-Za-z0-9_./:@+-]+$/;
// A string with these cannot be stored as UTF-8 text that `readEnvFile` accepts.
const UNSTORABLE = /[\0\uD800-\uDFFF]/u;
// Lines ending in each quote kind, then a plain assignment: a form that reads back here reads back anywhere, because
// only a backslash before the closing quote lets dotenv's match reach past the value's own line.
const WORST_NEIGHBOURS = '\n# \'\n# "\n# `\nZ=1\n';

function readsBack(form: string, value: string): boolean {
  const parsed = parse(`K=${form}${WORST_NEIGHBOURS}`);
  return parsed.K === value && parsed.Z === '1';
}

/**
 * The value as written after `KEY=`: bare when plainly safe, else the first form dotenv reads back unchanged, from
 * double quotes (line breaks as `\n`), single quotes, bare, backticks; throws EnvValueError when none does.
 */
export function formatEnvValue(key: string, value: string, eol = '\n'): string {
  if (UNSTORABLE.test(value)) throw new EnvValueError(key, 'the value holds a NUL character or a lone surrogate');
  if (PLAIN.test(value)) return value;
  const escaped = value.replaceAll('\n', '\\n').replaceAll('\r', '\\r');
  const quoted = { '"': `"${escaped}"`, "'": `'${value}'`, '`': `\`${value}\`` };
  // Quotes that do not occur in the value read best; a value holding its own quotes is the last resort.
  const candidates = [
    ...(['"', "'"] as const).filter((q) => !value.includes(q)).map((q) => quoted[q]),
    value,
    ...(value.includes('`') ? [] : [quoted['`']]),
    ...Object.values(quoted),
  ];
  const form = candidates.find((candidate) => readsBack(candidate, value));
  if (form === undefined) {
    throw new EnvValueError(
      key,
      'dotenv cannot read this value back unchanged in any quoting (a `#` or line break mixed with all three quote ' +
        'kinds, a backslash before n or r, a carriage return, or a trailing backslash)',
    );
  }
  // Only quoted forms that span lines hold a newline here; they take the file's own line ending.
  return form.replaceAll('\n', eol);
}

interface Line {
  start: number;
  /** Index after the line's terminator (or the end of the text). */
  end: number;
  /** Where the line starts in dotenv's normalised text. */
  normalisedStart: number;
  terminator: string;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  let normalisedStart = 0;
  for (const match of text.matchAll(LINE_END)) {
    const end = match.index + match[0].length;
    lines.push({ start, end, normalisedStart, terminator: match[0] });
    normalisedStart += match.index - start + 1;
    start = end;
  }
  if (start < text.length) lines.push({ start, end: text.length, normalisedStart, terminator: '' });
  return lines;
}

/** One assignment as dotenv reads it: the whole lines it occupies in the original text. */
interface Assignment {
  key: string;
  start: number;
  end: number;
  terminator: string;
}

function findAssignments(text: string, lines: Line[]): Assignment[] {
  // The last line starting at or before `offset` (binary search: a file may hold thousands of lines).
  const lineAt = (offset: number) => {
    let low = 0;
    let high = lines.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lines[mid] as Line).normalisedStart <= offset) low = mid;
      else high = mid - 1;
    }
    return lines[low] as Line;
  };
  const normalised = text.replace(/\r\n?/g, '\n');
  const found: Assignment[] = [];
  for (const match of normalised.matchAll(DOTENV_LINE)) {
    const indices = match.indices;
    const key = match[1];
    if (!indices?.[1] || key === undefined) continue;
    const first = lineAt(match.index + (match[0].length - match[0].trimStart().length));
    const valueEnd = indices[2]?.[1] ?? indices[1][1];
    const last = lineAt(Math.max(valueEnd - 1, indices[1][0]));
    found.push({ key, start: first.start, end: last.end, terminator: last.terminator });
  }
  return found;
}

function editOne(text: string, key: string, value: string | null, eol: string): string {
  const own = findAssignments(text, splitLines(text)).filter((a) => a.key === key);
  const line = value === null ? null : `${key}=${formatEnvValue(key, value, eol)}`;
  if (own.length === 0) {
    if (line === null) return text;
    const joiner = text.length === 0 || /[\r\n\u2028\u2029]$/.test(text) ? '' : eol;
    return `${text}${joiner}${line}${eol}`;
  }
  let out = '';
  let at = 0;
  own.forEach((assignment, i) => {
    if (assignment.start < at) return; // Never expected (matches do not share lines); never write a line twice.
    out += text.slice(at, assignment.start);
    if (i === 0 && line !== null) out += `${line}${assignment.terminator}`;
    at = assignment.end;
  });
  return out + text.slice(at);
}

function sameValues(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/**
 * Sets (or, with `null`, removes) keys in `.env` text, keeping every other line and comment byte for byte, and the
 * file's line ending for new lines. `K=`, `K = `, `export K=` and `K: ` lines all count; a key set twice keeps its
 * first position and loses the others. Throws EnvValueError for an invalid key, a value dotenv cannot read back,
 * or an edit after which dotenv would read any key differently from what was asked.
 */
export function editEnvText(text: string, edits: Readonly<Record<string, string | null>>): string {
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const expected: Record<string, string> = { ...parse(text) };
  let next = text;
  for (const [key, value] of Object.entries(edits)) {
    if (!KEY.test(key)) throw new EnvValueError(key, 'not a valid variable name');
    next = editOne(next, key, value, eol);
    if (value === null) delete expected[key];
    else expected[key] = value;
  }
  if (!sameValues(parse(next), expected)) {
    throw new EnvValueError(
      Object.keys(edits).join(', '),
      'the file has a line dotenv reads together with its neighbours (an unclosed quote?); fix it by hand',
    );
  }
  return next;
}
