/** A declared option: its long name and, optionally, its one-letter short form. */
export interface DeclaredOption {
  long: string;
  short?: string;
}

/**
 * Names of the declared options that appear in `argv`, in `--x v`, `--x=v`, `--no-x` and `-x` forms.
 * Values are never returned, and an option the program does not declare is not named either.
 */
export function usedFlagNames(argv: readonly string[], declared: readonly DeclaredOption[]): string[] {
  const byLong = new Map(declared.map((option) => [option.long, option.long]));
  for (const option of declared) byLong.set(`no-${option.long}`, option.long);
  const byShort = new Map(declared.filter((o) => o.short).map((option) => [option.short as string, option.long]));
  const used = new Set<string>();
  for (const token of argv) {
    if (token === '--') break;
    if (token.startsWith('--')) {
      const name = token.slice(2).split('=', 1)[0] ?? '';
      const long = byLong.get(name);
      if (long) used.add(long);
    } else if (isShortFlagGroup(token)) {
      for (const letter of token.slice(1)) {
        const long = byShort.get(letter);
        if (long) used.add(long);
      }
    }
  }
  return [...used].sort();
}

/**
 * `-x` or a group of them (`-abc`): a hyphen, then ASCII letters only. Checked by hand: a regular expression costs
 * a CLI run its compilation, and this runs on every recorded command.
 */
function isShortFlagGroup(token: string): boolean {
  if (token.length < 2 || token[0] !== '-') return false;
  for (let i = 1; i < token.length; i += 1) {
    const code = token.charCodeAt(i) | 0x20;
    if (code < 97 || code > 122) return false;
  }
  return true;
}
