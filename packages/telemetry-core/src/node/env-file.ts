import { parse } from 'dotenv';
import { editEnvText } from './env-text.js';
import { writeFileAtomic } from './fs-atomic.js';
import { FileStateError } from './json-file.js';
import { withFileLockSync } from './lock.js';
import { readTextFile } from './text-file.js';

export { EnvValueError, editEnvText, formatEnvValue } from './env-text.js';

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
