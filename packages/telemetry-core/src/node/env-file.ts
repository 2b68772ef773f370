import { parse } from 'dotenv';
import { writeFileAtomic } from './fs-atomic.js';
import { FileStateError } from './json-file.js';
import { withFileLockSync } from './lock.js';
import { readTextFile } from './text-file.js';

/** What reading a `.env` file found. */
export type EnvFileState =
  | { status: 'missing' }
  | { status: 'ok'; values: Record<string, string>; text: string }
  | { status: 'corrupt'; message: string }
  | { status: 'unreadable'; message: string };

const MAX_BYTES = 1024 * 1024;

/** Reads a `.env` file with dotenv's parser; binary or oversized content is reported as corrupt. */
export function readEnvFile(path: string): EnvFileState {
  const file = readTextFile(path, MAX_BYTES);
  if (file.status !== 'ok') return file;
  if (file.bytes.includes(0)) return { status: 'corrupt', message: 'contains binary data' };
  const text = file.text;
  return { status: 'ok', values: parse(text), text };
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

function assignmentPattern(key: string): RegExp {
  return new RegExp(`^\\s*(?:export\\s+)?${key}\\s*=`);
}

function quoteIfNeeded(value: string): string {
  if (/^[A-Za-z0-9_./:@+-]*$/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * Sets (or, with `null`, removes) keys in `.env` text, keeping every other line, comment, order and the
 * file's line ending. A key set twice keeps its first position; later duplicates are removed.
 */
export function editEnvText(text: string, edits: Readonly<Record<string, string | null>>): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.length === 0 ? [] : text.split(/\r?\n/);
  const hadFinalNewline = lines.length > 0 && lines[lines.length - 1] === '';
  if (hadFinalNewline) lines.pop();
  for (const [key, value] of Object.entries(edits)) {
    if (!KEY.test(key)) throw new Error(`not a valid .env key: ${key}`);
    const pattern = assignmentPattern(key);
    const line = value === null ? null : `${key}=${quoteIfNeeded(value)}`;
    let placed = false;
    for (let i = 0; i < lines.length; i += 1) {
      if (!pattern.test(lines[i] ?? '')) continue;
      if (line !== null && !placed) {
        lines[i] = line;
        placed = true;
      } else {
        lines.splice(i, 1);
        i -= 1;
      }
    }
    if (line !== null && !placed) lines.push(line);
  }
  return lines.length === 0 ? '' : `${lines.join(eol)}${eol}`;
}

/** Edits to a `.env` file: a value sets the key, `null` removes it. */
export type EnvEdits = Readonly<Record<string, string | null>>;

/** What an env-file change did: the values before and the keys that actually changed. */
export interface EnvChange {
  created: boolean;
  before: Readonly<Record<string, string>>;
  changed: string[];
}

/**
 * Changes a `.env` file under its lock, deciding the edits from the values read inside the lock, so that
 * "generate DEPLOYMENT_ID only if missing" holds even when two writers run at once. Keeps every other line
 * and comment; refuses (FileStateError) to replace a corrupt or unreadable file. A new file starts with `header`.
 */
export function changeEnvFile(
  path: string,
  decide: (values: Readonly<Record<string, string>>) => EnvEdits,
  options: { header?: string } = {},
): EnvChange {
  return withFileLockSync(path, () => {
    const state = readEnvFile(path);
    if (state.status === 'corrupt' || state.status === 'unreadable')
      throw new FileStateError(path, state.status, state.message);
    const before = state.status === 'ok' ? state.values : {};
    const text = state.status === 'ok' ? state.text : '';
    const base = state.status === 'missing' ? (options.header ?? '') : text;
    const edits = decide(before);
    const changed = Object.entries(edits)
      .filter(([key, value]) => (value === null ? key in before : before[key] !== value))
      .map(([key]) => key);
    const next = editEnvText(base, edits);
    if (next !== text || state.status === 'missing') writeFileAtomic(path, next);
    return { created: state.status === 'missing', before, changed };
  });
}

/** Applies fixed edits to a `.env` file under a lock, atomically; creates it when missing, refuses a corrupt one. */
export function updateEnvFile(path: string, edits: EnvEdits): EnvChange {
  return changeEnvFile(path, () => edits);
}
