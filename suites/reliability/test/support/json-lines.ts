import { existsSync, readFileSync } from 'node:fs';

/**
 * The values of a JSON-lines file, in order (none when the file is missing). A line that does not parse, torn by
 * a process that died while writing it, is skipped: the callers count what they find, so it shows as missing.
 */
export function readJsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  const values: T[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      values.push(JSON.parse(line) as T);
    } catch {
      // Skipped, as said above.
    }
  }
  return values;
}
