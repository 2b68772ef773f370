// The environment variables ci-info reads to decide `isCI`, listed at build time from ci-info's own files: every
// `env.NAME` of its index.js (CI, BUILD_ID, …) and every variable its vendors' `env` checks name. When none of them
// is set, ci-info answers "not CI", so `elmo` need not load it to know (src/ci-detection.ts): loading it checks
// some 60 vendors, ~0.5 ms of every run that records an event. Its `pr` checks only say whether a build is a pull
// request, not whether it is CI, so they are not listed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The variable names ci-info's `isCI` depends on, sorted; `dir` is ci-info's package folder. */
export function ciInfoVariables(dir) {
  const index = readFileSync(join(dir, 'index.js'), 'utf8');
  const vendors = JSON.parse(readFileSync(join(dir, 'vendors.json'), 'utf8'));
  const names = new Set([...index.matchAll(/\benv\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]));
  // The shapes of a vendor's `env` that ci-info's checkEnv knows; another shape fails the build, to be looked at.
  for (const vendor of vendors) {
    for (const check of [vendor.env].flat()) {
      if (typeof check === 'string') names.add(check);
      else if (typeof check?.env === 'string') names.add(check.env);
      else if (Array.isArray(check?.any)) for (const name of check.any) names.add(name);
      else if (check && typeof check === 'object') for (const name of Object.keys(check)) names.add(name);
      else
        throw new Error(`ci-info vendor ${vendor.name}: an env check of an unknown shape (${JSON.stringify(check)})`);
    }
  }
  for (const name of ['CI', 'BUILD_ID', 'GITHUB_ACTIONS']) {
    if (!names.has(name))
      throw new Error(`ci-info's files no longer name ${name}: check scripts/ci-info-variables.mjs`);
  }
  return [...names].sort();
}
