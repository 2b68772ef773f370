import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsentLock, TelemetryMode } from '@elmo/telemetry-core';
import { useTempDir } from '@elmo/test-support/vitest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createElmoConsent, saveElmoTelemetryChoice } from './consent.js';

// Real files in a temp folder: a home with the user config, a deployment .env and a policy file.
const temp = useTempDir('elmo-consent-');
let home: string;
let configFile: string;
let envFile: string;
let policyFile: string;
beforeEach(() => {
  home = join(temp.path, 'home');
  configFile = join(home, '.config', 'elmo', 'config.json');
  envFile = join(temp.path, 'deployment', '.env');
  policyFile = join(temp.path, 'policy.json');
  mkdirSync(join(home, '.config', 'elmo'), { recursive: true });
  mkdirSync(join(temp.path, 'deployment'), { recursive: true });
});

interface Setup {
  env?: Record<string, string>;
  dotenv?: string;
  config?: string;
  policy?: string;
  surface?: 'cli' | 'deployment';
  isCI?: boolean;
  noHome?: boolean;
}

function decide(setup: Setup) {
  if (setup.dotenv !== undefined) writeFileSync(envFile, setup.dotenv);
  if (setup.config !== undefined) writeFileSync(configFile, setup.config);
  if (setup.policy !== undefined) writeFileSync(policyFile, setup.policy);
  return createElmoConsent({
    surface: setup.surface ?? 'cli',
    env: { ELMO_TELEMETRY_POLICY: policyFile, ...setup.env },
    homedir: setup.noHome ? join(home, 'gone') : home,
    deploymentEnvFile: envFile,
    isCI: setup.isCI ?? false,
  }).decide();
}

type Expected = { mode: TelemetryMode; source: string; reason: RegExp; lock?: ConsentLock['kind'] };
const off = (source: string, reason: RegExp, lock?: ConsentLock['kind']): Expected => ({
  mode: 'off',
  source,
  reason,
  lock,
});
const on = (source: string, reason: RegExp): Expected => ({ mode: 'on', source, reason });

// One row per rule of SPEC §3, alone and where precedence matters. The policy file is named by the environment
// in every row (a temp file); see the default-location test below for the file at its usual place.
const rows: [string, Setup, Expected][] = [
  ['nothing set: enabled by default', { policy: '{"maximum":"on"}' }, on('default', /by default/)],
  ['policy maximum off', { policy: '{"maximum":"off"}' }, off('policy', /machine policy/, 'policy')],
  [
    'policy maximum local',
    { policy: '{"maximum":"local"}' },
    { mode: 'local', source: 'policy', reason: /local/, lock: 'policy' },
  ],
  ['policy not JSON counts as off', { policy: '{' }, off('policy', /cannot be read/, 'policy')],
  [
    'policy without a valid maximum counts as off',
    { policy: '{"maximum":"yes"}' },
    off('policy', /no valid "maximum"/, 'policy'),
  ],
  ['a policy file that does not exist is no policy', {}, on('default', /by default/)],
  [
    "policy local beats the user's explicit on",
    { policy: '{"maximum":"local"}', config: '{"telemetryChoice":"enabled"}' },
    { mode: 'local', source: 'policy', reason: /local/, lock: 'policy' },
  ],
  [
    'a stricter rule beats policy local',
    { policy: '{"maximum":"local"}', env: { DO_NOT_TRACK: '1' } },
    off('process-env', /DO_NOT_TRACK/, 'process-env'),
  ],
  [
    'DO_NOT_TRACK=1',
    { policy: '{"maximum":"on"}', env: { DO_NOT_TRACK: '1' } },
    off('process-env', /DO_NOT_TRACK environment variable/, 'process-env'),
  ],
  [
    'DO_NOT_TRACK=0 stays enabled',
    { policy: '{"maximum":"on"}', env: { DO_NOT_TRACK: '0' } },
    on('default', /default/),
  ],
  [
    'DISABLE_TELEMETRY=true',
    { policy: '{"maximum":"on"}', env: { DISABLE_TELEMETRY: 'true' } },
    off('process-env', /DISABLE_TELEMETRY environment variable/, 'process-env'),
  ],
  [
    'DISABLE_TELEMETRY=off stays enabled',
    { policy: '{"maximum":"on"}', env: { DISABLE_TELEMETRY: 'off' } },
    on('default', /default/),
  ],
  [
    'both env switches: DO_NOT_TRACK is named first',
    { policy: '{"maximum":"on"}', env: { DISABLE_TELEMETRY: '1', DO_NOT_TRACK: 'yes' } },
    off('process-env', /DO_NOT_TRACK/, 'process-env'),
  ],
  [
    '.env DO_NOT_TRACK=1 is named with its file',
    { policy: '{"maximum":"on"}', dotenv: 'DO_NOT_TRACK=1\n' },
    off('deployment-env', /DO_NOT_TRACK in .*\.env/, 'deployment-env'),
  ],
  [
    '.env DISABLE_TELEMETRY=1 (the switch: not a lock)',
    { policy: '{"maximum":"on"}', dotenv: 'DISABLE_TELEMETRY=1\n' },
    off('deployment-env', /DISABLE_TELEMETRY in/),
  ],
  [
    '.env DISABLE_TELEMETRY=0 stays enabled',
    { policy: '{"maximum":"on"}', dotenv: 'DISABLE_TELEMETRY=0\n' },
    on('default', /default/),
  ],
  [
    '.env TELEMETRY_MODE=local',
    { policy: '{"maximum":"on"}', dotenv: 'TELEMETRY_MODE=local\n' },
    { mode: 'local', source: 'deployment-env', reason: /TELEMETRY_MODE/ },
  ],
  [
    '.env TELEMETRY_MODE=nonsense counts as off',
    { policy: '{"maximum":"on"}', dotenv: 'TELEMETRY_MODE=maybe\n' },
    off('deployment-env', /TELEMETRY_MODE=maybe/),
  ],
  [
    '.env with binary content counts as off',
    { policy: '{"maximum":"on"}', dotenv: 'A=\u0000\n' },
    off('deployment-env', /cannot be read/, 'unusable-file'),
  ],
  [
    'process env beats the .env',
    { policy: '{"maximum":"on"}', env: { DISABLE_TELEMETRY: '1' }, dotenv: 'DO_NOT_TRACK=1\n' },
    off('process-env', /environment variable/, 'process-env'),
  ],
  [
    'env cannot force-enable over the .env',
    { policy: '{"maximum":"on"}', env: { DO_NOT_TRACK: '0' }, dotenv: 'DISABLE_TELEMETRY=yes\n' },
    off('deployment-env', /DISABLE_TELEMETRY/),
  ],
  [
    'user config telemetryDisabled: true',
    { policy: '{"maximum":"on"}', config: '{"telemetryDisabled":true}' },
    off('user-config', /your choice/, 'user-config'),
  ],
  [
    'user config telemetryDisabled: "yes" (hand-edited)',
    { policy: '{"maximum":"on"}', config: '{"telemetryDisabled":"yes"}' },
    off('user-config', /your choice/, 'user-config'),
  ],
  [
    'user config telemetryDisabled: "false" does not disable',
    { policy: '{"maximum":"on"}', config: '{"telemetryDisabled":"false"}' },
    on('default', /default/),
  ],
  [
    'user config telemetryMode: local',
    { policy: '{"maximum":"on"}', config: '{"telemetryMode":"local"}' },
    { mode: 'local', source: 'user-config', reason: /local/, lock: 'user-config' },
  ],
  [
    'corrupt user config counts as off',
    { policy: '{"maximum":"on"}', config: '{"telemetry' },
    off('user-config', /cannot be read/, 'unusable-file'),
  ],
  [
    'the user config covers a deployment',
    { policy: '{"maximum":"on"}', surface: 'deployment', config: '{"telemetryDisabled":true}' },
    off('user-config', /your choice/, 'user-config'),
  ],
  [
    'the .env is named before the user config',
    { policy: '{"maximum":"on"}', dotenv: 'DISABLE_TELEMETRY=1\n', config: '{"telemetryDisabled":true}' },
    off('deployment-env', /DISABLE_TELEMETRY/),
  ],
  [
    'CI without a recorded choice',
    { policy: '{"maximum":"on"}', isCI: true },
    off('ci', /CI because no explicit consent/),
  ],
  [
    'CI with a recorded choice',
    { policy: '{"maximum":"on"}', isCI: true, config: '{"telemetryChoice":"enabled"}' },
    on('user-config', /you chose/),
  ],
  [
    'CI does not concern a deployment',
    { policy: '{"maximum":"on"}', isCI: true, surface: 'deployment' },
    on('default', /default/),
  ],
  ['CLI with a missing home folder', { policy: '{"maximum":"on"}', noHome: true }, off('home', /home folder/)],
  [
    'recorded consent does not beat a kill switch',
    { policy: '{"maximum":"on"}', env: { DISABLE_TELEMETRY: 'on' }, config: '{"telemetryChoice":"enabled"}' },
    off('process-env', /DISABLE_TELEMETRY/, 'process-env'),
  ],
];

describe('Elmo consent: the one ordered list of SPEC §3', () => {
  it.each(rows)('%s', (_label, setup, expected) => {
    const decision = decide(setup);
    expect(decision.mode).toBe(expected.mode);
    expect(decision.enabled).toBe(expected.mode === 'on');
    expect(decision.source).toBe(expected.source);
    expect(decision.reason).toMatch(expected.reason);
    expect(decision.lockedBy?.kind ?? null).toBe(expected.lock ?? null);
  });

  it('with cacheMs, reuses its decision for that long, then sees a change; invalidate() sees it at once', async () => {
    writeFileSync(policyFile, '{"maximum":"on"}');
    const resolver = createElmoConsent(
      { surface: 'deployment', env: { ELMO_TELEMETRY_POLICY: policyFile }, homedir: home, deploymentEnvFile: envFile },
      { cacheMs: 200 },
    );
    const first = resolver.decide();
    expect(first.enabled).toBe(true);
    writeFileSync(envFile, 'DO_NOT_TRACK=1\n');
    expect(resolver.decide()).toBe(first);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(resolver.decide()).toMatchObject({ enabled: false, source: 'deployment-env' });
    writeFileSync(envFile, '');
    resolver.invalidate();
    expect(resolver.decide().enabled).toBe(true);
  });

  it('ignores a missing policy at its default location', () => {
    const decision = createElmoConsent({ surface: 'cli', env: {}, homedir: home, deploymentEnvFile: envFile }).decide();
    expect(decision).toMatchObject({ enabled: true, source: 'default' });
  });
});

// A small generated check of the invariant itself: over every combination of the settings a person or an
// operator can make, telemetry is on exactly when none of them restricts it, and any restriction is named.
describe('Elmo consent: generated combinations', () => {
  const choices = {
    policy: [undefined, '{"maximum":"on"}', '{"maximum":"local"}', '{"maximum":"off"}', 'oops'],
    processEnv: [{}, { DO_NOT_TRACK: '1' }, { DISABLE_TELEMETRY: 'true' }, { DO_NOT_TRACK: '0' }],
    dotenv: [
      undefined,
      '',
      'DISABLE_TELEMETRY=1\n',
      'DO_NOT_TRACK=yes\n',
      'TELEMETRY_MODE=local\n',
      'DISABLE_TELEMETRY=0\n',
    ],
    config: [
      undefined,
      '{}',
      '{"telemetryDisabled":true,"telemetryMode":"off"}',
      '{"telemetryMode":"local"}',
      '{"telemetryChoice":"enabled","telemetryMode":"on"}',
    ],
  } as const;
  const restrictive = (value: string | undefined | Record<string, string>) =>
    typeof value === 'string'
      ? /"maximum":"(local|off)"|oops|=1|=yes|local|true/.test(value)
      : Boolean(value && Object.values(value).some((v) => v !== '0'));

  it('telemetry is on if and only if no setting restricts it (1,200 combinations, both surfaces)', () => {
    let count = 0;
    for (const policy of choices.policy)
      for (const processEnv of choices.processEnv)
        for (const dotenv of choices.dotenv)
          for (const config of choices.config)
            for (const surface of ['cli', 'deployment'] as const) {
              for (const file of [policyFile, envFile, configFile]) rmSync(file, { force: true });
              if (policy) writeFileSync(policyFile, policy);
              if (dotenv !== undefined) writeFileSync(envFile, dotenv);
              if (config !== undefined) writeFileSync(configFile, config);
              const decision = createElmoConsent({
                surface,
                env: { ...processEnv, ...(policy ? { ELMO_TELEMETRY_POLICY: policyFile } : {}) },
                homedir: home,
                deploymentEnvFile: envFile,
              }).decide();
              const restricted = [policy, processEnv, dotenv, config].some(restrictive);
              expect(decision.enabled, JSON.stringify({ policy, processEnv, dotenv, config, surface })).toBe(
                !restricted,
              );
              if (restricted) expect(decision.reason).toMatch(/disabled|local/);
              count += 1;
            }
    expect(count).toBe(1200);
  }, 60_000);
});

describe('the one writer of the telemetry choice', () => {
  it('writes both files, keeps every other key, line and comment, and is reversed by on', () => {
    writeFileSync(configFile, '{"installId":"keep","other":1}\n');
    writeFileSync(envFile, '# mine\nDEPLOYMENT_ID=abc # note\nDO_NOT_TRACK=0\n');
    const off = saveElmoTelemetryChoice('off', { userConfigFile: configFile, deploymentEnvFile: envFile });
    expect(off.map((c) => c.changes)).toEqual([
      ['telemetryDisabled: true', 'telemetryMode: "off"'],
      ['DISABLE_TELEMETRY=1'],
    ]);
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({
      installId: 'keep',
      other: 1,
      telemetryDisabled: true,
      telemetryMode: 'off',
      telemetryChoice: 'disabled',
    });
    expect(readFileSync(envFile, 'utf8')).toBe(
      '# mine\nDEPLOYMENT_ID=abc # note\nDO_NOT_TRACK=0\nDISABLE_TELEMETRY=1\n',
    );
    saveElmoTelemetryChoice('local', { deploymentEnvFile: envFile });
    expect(readFileSync(envFile, 'utf8')).toBe(
      '# mine\nDEPLOYMENT_ID=abc # note\nDO_NOT_TRACK=0\nTELEMETRY_MODE=local\n',
    );
    saveElmoTelemetryChoice('on', { userConfigFile: configFile, deploymentEnvFile: envFile });
    expect(readFileSync(envFile, 'utf8')).toBe('# mine\nDEPLOYMENT_ID=abc # note\nDO_NOT_TRACK=0\n');
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toMatchObject({
      telemetryMode: 'on',
      telemetryChoice: 'enabled',
    });
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).not.toHaveProperty('telemetryDisabled');
  });

  it('local writes the mode (and the disabled flag kept in step) and the resolver answers local, not off', () => {
    writeFileSync(configFile, '{"installId":"keep"}\n');
    const changes = saveElmoTelemetryChoice('local', { userConfigFile: configFile });
    expect(changes.map((c) => c.changes)).toEqual([['telemetryDisabled: true', 'telemetryMode: "local"']]);
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({
      installId: 'keep',
      telemetryDisabled: true,
      telemetryMode: 'local',
      telemetryChoice: 'local',
    });
    for (const surface of ['cli', 'deployment'] as const) {
      const decision = decide({ surface });
      expect(decision).toMatchObject({ enabled: false, mode: 'local', source: 'user-config' });
      expect(decision.reason).toContain(configFile);
    }
  });

  it('refuses to touch either file when one of them is corrupt', () => {
    writeFileSync(configFile, '{"installId":"keep"}\n');
    writeFileSync(envFile, 'A=\u0000\n');
    expect(() => saveElmoTelemetryChoice('off', { userConfigFile: configFile, deploymentEnvFile: envFile })).toThrow(
      /not valid/,
    );
    expect(readFileSync(configFile, 'utf8')).toBe('{"installId":"keep"}\n');
  });
});
