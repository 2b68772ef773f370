import { existsSync, readFileSync, statSync } from 'node:fs';
import { readEnvFile } from '@elmo/telemetry-core/node';
import { useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

// `elmo init --provider`: keys come from the environment, land in the deployment .env only, and nowhere else.

const OPENAI_KEY = 'sk-test-OPENAI-never-leaves-1f2e3d';
const ANTHROPIC_KEY = 'sk-ant-test-ANTHROPIC-never-leaves-4c5b6a';
const BASE_URL = 'http://models.internal.example:8000/v1';
const SECRETS = [OPENAI_KEY, ANTHROPIC_KEY, 'models.internal.example'];

function envValues(path: string): Record<string, string> {
  const state = readEnvFile(path);
  return state.status === 'ok' ? state.values : {};
}

const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

describe('elmo init --provider', () => {
  const e2e = useE2E({ waitForSenders: true });

  it('writes ELMO_PROVIDERS and the keys to the .env only; cli_init names the providers and the last step', async () => {
    const { home, sink } = e2e;
    const run = await home.run(
      [
        'init',
        '--yes',
        '--telemetry',
        '--provider',
        'openai',
        '--provider=anthropic',
        '--provider',
        'openai_compatible',
      ],
      {
        extraEnv: { OPENAI_API_KEY: OPENAI_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEY, OPENAI_BASE_URL: BASE_URL },
        holdStdin: true,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('providers:   openai, anthropic, openai_compatible\n');
    expect(envValues(home.envFile)).toMatchObject({
      ELMO_PROVIDERS: 'openai,anthropic,openai_compatible',
      OPENAI_API_KEY: OPENAI_KEY,
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
      OPENAI_BASE_URL: BASE_URL,
    });
    // Keys are kept in a file only its owner can read.
    expect(statSync(home.envFile).mode & 0o077).toBe(0);

    const events = await sink.waitForEvents(2);
    await home.waitForSenders();
    // A list of enum values is sent as a set (sorted by the sanitiser).
    expect(events.find((e) => e.event === 'cli_init')?.properties).toMatchObject({
      providers: ['anthropic', 'openai', 'openai_compatible'],
      completed: true,
      last_step: 'written',
      telemetry_answered: true,
      is_interactive: false,
    });
    expect(events.find((e) => e.event === 'cli_command')?.properties.flags).toEqual(['provider', 'telemetry', 'yes']);

    const everywhere = [
      run.stdout,
      run.stderr,
      read(home.configFile),
      read(home.logFile),
      read(home.spoolFile),
      sink.rawBytes().toString('latin1'),
    ].join('\n');
    expect(everywhere).toContain('openai_compatible');
    for (const secret of SECRETS) expect(everywhere).not.toContain(secret);

    // Re-running init without --provider keeps what the .env has.
    const again = await home.run(['init', '--yes'], { holdStdin: true });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('providers:   openai, anthropic, openai_compatible (kept');
    expect(envValues(home.envFile)).toMatchObject({
      ELMO_PROVIDERS: 'openai,anthropic,openai_compatible',
      OPENAI_API_KEY: OPENAI_KEY,
    });
    await home.waitForSenders();
  });

  it('a missing key or an unknown provider: exit code 2, one line, nothing written', async () => {
    const { home } = e2e;
    const missing = await home.run(['init', '--yes', '--telemetry', '--provider', 'anthropic'], {
      extraEnv: { OPENAI_API_KEY: OPENAI_KEY },
      holdStdin: true,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^elmo: --provider anthropic needs ANTHROPIC_API_KEY: set it in the environment of `elmo init`.*\n$/,
    );
    expect(missing.stdout).toBe('');

    const unknown = await home.run(['init', '--yes', '--provider', 'offline', '--provider', 'gemini'], {
      holdStdin: true,
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'elmo: --provider "gemini" is not a provider Elmo knows; choose from offline, openai, anthropic, openai_compatible\n',
    );

    const badUrl = await home.run(['init', '--yes', '--provider', 'openai_compatible'], {
      extraEnv: { OPENAI_BASE_URL: `ftp://${SECRETS[2]}` },
      holdStdin: true,
    });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toBe('elmo: OPENAI_BASE_URL must be an http:// or https:// URL\n');

    expect(existsSync(home.envFile)).toBe(false);
    expect(existsSync(home.deployDir)).toBe(false);
    expect(home.readConfig()?.telemetryChoice).toBeUndefined();
    for (const secret of SECRETS) expect(read(home.logFile)).not.toContain(secret);
  });
});
