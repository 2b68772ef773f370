/**
 * Whether CI detection must ask ci-info: some variable it reads (`variables`, listed by the build from ci-info's own
 * files, scripts/ci-info-variables.mjs) is set in `env`. When none is, ci-info would answer "not CI" anyway. Names
 * are compared without case, as Windows compares them, so this never says no where ci-info could say yes.
 */
export function mayBeCI(env: Readonly<Record<string, string | undefined>>, variables: readonly string[]): boolean {
  const watched = new Set(variables.map((name) => name.toUpperCase()));
  return Object.keys(env).some((name) => env[name] !== undefined && watched.has(name.toUpperCase()));
}
