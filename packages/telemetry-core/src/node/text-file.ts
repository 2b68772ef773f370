import { readFileSync } from 'node:fs';

/** What reading a small text file found: its text, or why there is none to use. */
export type TextFileState =
  | { status: 'missing' }
  | { status: 'ok'; text: string; bytes: Buffer }
  | { status: 'corrupt'; message: string }
  | { status: 'unreadable'; message: string };

/** Reads a UTF-8 text file of at most `maxBytes`; larger or non-UTF-8 content is reported as corrupt. */
export function readTextFile(path: string, maxBytes: number): TextFileState {
  try {
    const bytes = readFileSync(path);
    if (bytes.length > maxBytes) return { status: 'corrupt', message: `larger than ${maxBytes} bytes` };
    return { status: 'ok', text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), bytes };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: 'missing' };
    if (error instanceof TypeError) return { status: 'corrupt', message: 'not UTF-8 text' };
    return { status: 'unreadable', message: code ?? String(error) };
  }
}
