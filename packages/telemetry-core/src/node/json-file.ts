import { writeFileAtomic } from './fs-atomic.js';
import { withFileLockSync } from './lock.js';
import { readTextFile } from './text-file.js';

/** What reading a JSON object file found. A corrupt or unreadable file is reported, never replaced. */
export type JsonFileState =
  | { status: 'missing' }
  | { status: 'ok'; data: Record<string, unknown> }
  | { status: 'corrupt'; message: string }
  | { status: 'unreadable'; message: string };

/** Raised when a file would have to be overwritten to save a change, but its current content is not ours to drop. */
export class FileStateError extends Error {
  constructor(
    readonly path: string,
    readonly state: 'corrupt' | 'unreadable',
    detail: string,
  ) {
    super(`${path} is ${state === 'corrupt' ? 'not valid' : 'not readable'} (${detail})`);
    this.name = 'FileStateError';
  }
}

const MAX_BYTES = 1024 * 1024;

/** Reads a file holding one JSON object. */
export function readJsonFile(path: string): JsonFileState {
  const file = readTextFile(path, MAX_BYTES);
  if (file.status !== 'ok') return file;
  const text = file.text;
  try {
    const data: unknown = JSON.parse(text);
    if (data === null || typeof data !== 'object' || Array.isArray(data))
      return { status: 'corrupt', message: 'not a JSON object' };
    return { status: 'ok', data: data as Record<string, unknown> };
  } catch (error) {
    return { status: 'corrupt', message: (error as Error).message };
  }
}

/**
 * Changes a JSON object file under a lock: reads the newest content, applies `change`, writes atomically.
 * Unknown keys are kept because `change` receives and returns the whole object. Throws FileStateError
 * rather than replace a corrupt or unreadable file.
 */
export function updateJsonFile(
  path: string,
  change: (data: Record<string, unknown>) => Record<string, unknown>,
): Record<string, unknown> {
  return withFileLockSync(path, () => {
    const state = readJsonFile(path);
    if (state.status === 'corrupt' || state.status === 'unreadable')
      throw new FileStateError(path, state.status, state.message);
    const next = change(state.status === 'ok' ? { ...state.data } : {});
    writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`);
    return next;
  });
}
