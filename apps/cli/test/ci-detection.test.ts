import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createRandom } from '@elmo/test-support';
import { describe, expect, it } from 'vitest';
import { ciInfoVariables } from '../scripts/ci-info-variables.mjs';
import { mayBeCI } from '../src/ci-detection.js';

// `elmo` asks ci-info only when one of the variables it reads is set (src/ci-detection.ts, with the list the build
// takes from ci-info's files). That shortcut must never answer "not CI" where ci-info itself would say "CI": checked
// here against ci-info, loaded afresh in a clean process for every environment (it reads the environment once, at
// its load).

type Env = Record<string, string>;

const ciInfoDir = dirname(createRequire(import.meta.url).resolve('ci-info'));
const variables = ciInfoVariables(ciInfoDir);

interface Vendor {
  name: string;
  env: unknown;
}

/** ci-info's own answer for each environment. */
function ciInfoSays(envs: Env[]): boolean[] {
  const script = `
    const path = require.resolve(${JSON.stringify(ciInfoDir)});
    const answers = JSON.parse(require('node:fs').readFileSync(0, 'utf8')).map((env) => {
      for (const name of Object.keys(process.env)) delete process.env[name];
      Object.assign(process.env, env);
      delete require.cache[path];
      return require(path).isCI;
    });
    process.stdout.write(JSON.stringify(answers));`;
  const output = execFileSync(process.execPath, ['-e', script], { input: JSON.stringify(envs), env: {} });
  return JSON.parse(output.toString()) as boolean[];
}

/** An environment in which ci-info detects `vendor`: each of its checks met. */
function vendorEnv(vendor: Vendor): Env {
  const env: Env = {};
  for (const check of [vendor.env].flat() as (string | Record<string, unknown>)[]) {
    if (typeof check === 'string') env[check] = '1';
    else if (typeof check.env === 'string') env[check.env] = String(check.includes);
    else if (Array.isArray(check.any)) env[check.any[0] as string] = '1';
    else Object.assign(env, check);
  }
  return env;
}

describe('CI detection asks ci-info only when it could say "CI"', () => {
  it('every vendor ci-info knows, and every variable its index reads, is detected through the shortcut', () => {
    const vendors = JSON.parse(readFileSync(join(ciInfoDir, 'vendors.json'), 'utf8')) as Vendor[];
    const generic = [...readFileSync(join(ciInfoDir, 'index.js'), 'utf8').matchAll(/\benv\.([A-Z_]+)/g)].map(
      (match) => match[1] as string,
    );
    const envs = [...vendors.map(vendorEnv), ...generic.map((name) => ({ [name]: '1' }))];
    expect(vendors.length).toBeGreaterThan(40);
    const answers = ciInfoSays(envs);
    envs.forEach((env, i) => {
      expect(answers[i], `ci-info detects ${JSON.stringify(env)}`).toBe(true);
      expect(mayBeCI(env, variables), `the shortcut asks ci-info for ${JSON.stringify(env)}`).toBe(true);
    });
  });

  it('over 300 generated environments, the shortcut never says "not CI" where ci-info says "CI"', () => {
    const random = createRandom(20261203);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
    const others = [
      'PATH',
      'HOME',
      'LANG',
      'TERM',
      'SHELL',
      'USER',
      'EDITOR',
      'NODE_ENV',
      'CIRCLE',
      'MY_CI',
      'ci_like',
    ];
    const values = ['1', 'true', 'false', '', '0', '/app/.heroku/node/bin/node', 'yes'];
    const envs: Env[] = Array.from({ length: 300 }, () => {
      const env: Env = {};
      const count = Math.floor(random() * 5);
      for (let i = 0; i < count; i += 1) env[pick(others)] = pick(values);
      // Half of them also set one variable ci-info reads, in any case.
      if (random() < 0.5) {
        const name = pick(variables);
        env[random() < 0.2 ? name.toLowerCase() : name] = pick(values);
      }
      return env;
    });
    const answers = ciInfoSays(envs);
    const missed = envs.filter((env, i) => answers[i] && !mayBeCI(env, variables));
    expect(missed).toEqual([]);
    // And it does spare the load: no variable ci-info reads means no question asked.
    const read = new Set(variables.map((name) => name.toUpperCase()));
    const plain = envs.filter((env) => !Object.keys(env).some((name) => read.has(name.toUpperCase())));
    expect(plain.length).toBeGreaterThan(50);
    for (const env of plain) expect(mayBeCI(env, variables)).toBe(false);
  });

  it('an empty or ordinary environment is answered without ci-info', () => {
    expect(mayBeCI({}, variables)).toBe(false);
    expect(mayBeCI({ PATH: '/usr/bin', HOME: '/home/a', LANG: 'C.UTF-8' }, variables)).toBe(false);
    expect(mayBeCI({ CI: 'true' }, variables)).toBe(true);
    expect(mayBeCI({ github_actions: 'true' }, variables)).toBe(true);
  });
});
