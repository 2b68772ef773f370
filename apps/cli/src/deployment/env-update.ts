import { editEnvText, FileStateError, readEnvFile, withFileLockSync, writeFileAtomic } from '@elmo/telemetry-core/node';

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
 * "generate DEPLOYMENT_ID only if missing" holds even when two `elmo init` run at once. Keeps every other line
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
