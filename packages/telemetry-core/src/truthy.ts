const FALSY = new Set(['', '0', 'false', 'no', 'off']);

/** The one truthy parser: empty, `0`, `false`, `no`, `off` (any case, trimmed) and unset are false; anything else is true. */
export function isTruthy(value: string | undefined | null): boolean {
  if (value === undefined || value === null) return false;
  return !FALSY.has(value.trim().toLowerCase());
}
