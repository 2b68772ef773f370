import type { EnvFileState, JsonFileState } from '@elmo/telemetry-core/node';
import { describe, expect, it } from 'vitest';
import { type ElmoConsentInputs, resolveElmoConsent } from './consent.js';

const envFile = (values: Record<string, string>): EnvFileState => ({ status: 'ok', values, text: '' });
const config = (data: Record<string, unknown>): JsonFileState => ({ status: 'ok', data });
const corrupt = { status: 'corrupt', message: 'Unexpected end of JSON input' } as const;

// One row per rule of SPEC §3, alone and in the combinations where precedence matters.
const rows: [string, ElmoConsentInputs, { enabled: boolean; source: string; reason: RegExp }][] = [
  ['nothing set: enabled by default', { env: {} }, { enabled: true, source: 'default', reason: /by default/ }],
  [
    'DO_NOT_TRACK=1',
    { env: { DO_NOT_TRACK: '1' } },
    { enabled: false, source: 'env:DO_NOT_TRACK', reason: /DO_NOT_TRACK environment variable/ },
  ],
  [
    'DO_NOT_TRACK=true',
    { env: { DO_NOT_TRACK: 'true' } },
    { enabled: false, source: 'env:DO_NOT_TRACK', reason: /DO_NOT_TRACK/ },
  ],
  [
    'DO_NOT_TRACK=0 stays enabled',
    { env: { DO_NOT_TRACK: '0' } },
    { enabled: true, source: 'default', reason: /by default/ },
  ],
  [
    'DISABLE_TELEMETRY=1',
    { env: { DISABLE_TELEMETRY: '1' } },
    { enabled: false, source: 'env:DISABLE_TELEMETRY', reason: /DISABLE_TELEMETRY environment variable/ },
  ],
  [
    'DISABLE_TELEMETRY=0 stays enabled',
    { env: { DISABLE_TELEMETRY: '0' } },
    { enabled: true, source: 'default', reason: /by default/ },
  ],
  [
    'DISABLE_TELEMETRY=off stays enabled',
    { env: { DISABLE_TELEMETRY: 'off' } },
    { enabled: true, source: 'default', reason: /by default/ },
  ],
  [
    'DISABLE_TELEMETRY= (empty) stays enabled',
    { env: { DISABLE_TELEMETRY: '' } },
    { enabled: true, source: 'default', reason: /by default/ },
  ],
  [
    'both env switches: DO_NOT_TRACK is named first',
    { env: { DO_NOT_TRACK: 'yes', DISABLE_TELEMETRY: '1' } },
    { enabled: false, source: 'env:DO_NOT_TRACK', reason: /DO_NOT_TRACK/ },
  ],
  [
    '.env DISABLE_TELEMETRY=1',
    { env: {}, deploymentEnv: envFile({ DISABLE_TELEMETRY: '1' }), deploymentEnvPath: '/d/.env' },
    { enabled: false, source: 'deployment-env', reason: /DISABLE_TELEMETRY in \/d\/\.env/ },
  ],
  [
    '.env DISABLE_TELEMETRY=0 stays enabled',
    { env: {}, deploymentEnv: envFile({ DISABLE_TELEMETRY: '0' }) },
    { enabled: true, source: 'default', reason: /default/ },
  ],
  [
    'process env beats the .env',
    { env: { DISABLE_TELEMETRY: '1' }, deploymentEnv: envFile({ DISABLE_TELEMETRY: '1' }) },
    { enabled: false, source: 'env:DISABLE_TELEMETRY', reason: /environment variable/ },
  ],
  [
    'env cannot force-enable over the .env',
    { env: { DISABLE_TELEMETRY: '0', DO_NOT_TRACK: '0' }, deploymentEnv: envFile({ DISABLE_TELEMETRY: 'true' }) },
    { enabled: false, source: 'deployment-env', reason: /DISABLE_TELEMETRY in/ },
  ],
  [
    'unreadable .env: disabled for the run',
    { env: {}, deploymentEnv: corrupt, deploymentEnvPath: '/d/.env' },
    { enabled: false, source: 'deployment-env', reason: /\/d\/\.env could not be read/ },
  ],
  [
    'config telemetryDisabled: true',
    { env: {}, userConfig: config({ telemetryDisabled: true }), userConfigPath: '/c.json' },
    { enabled: false, source: 'user-config', reason: /telemetryDisabled in \/c\.json/ },
  ],
  [
    'the .env beats the config',
    { env: {}, deploymentEnv: envFile({ DISABLE_TELEMETRY: '1' }), userConfig: config({ telemetryDisabled: true }) },
    { enabled: false, source: 'deployment-env', reason: /DISABLE_TELEMETRY in/ },
  ],
  [
    'config telemetryDisabled: "yes" (a hand-edited string) disables, by the one truthy parser',
    { env: {}, userConfig: config({ telemetryDisabled: 'yes' }) },
    { enabled: false, source: 'user-config', reason: /telemetryDisabled/ },
  ],
  [
    'config telemetryDisabled: "false" or false does not',
    { env: {}, userConfig: config({ telemetryDisabled: 'false' }) },
    { enabled: true, source: 'default', reason: /default/ },
  ],
  [
    'corrupt config: disabled for the run',
    { env: {}, userConfig: corrupt, userConfigPath: '/c.json' },
    { enabled: false, source: 'user-config', reason: /\/c\.json could not be read/ },
  ],
  [
    'CI without recorded consent',
    { env: {}, isCI: true },
    { enabled: false, source: 'ci', reason: /CI because no explicit consent/ },
  ],
  [
    'CI with consent recorded by init or telemetry enable',
    { env: {}, isCI: true, userConfig: config({ telemetryChoice: 'enabled' }) },
    { enabled: true, source: 'user-config', reason: /you chose/ },
  ],
  [
    'CI with a recorded choice of disabled',
    { env: {}, isCI: true, userConfig: config({ telemetryChoice: 'disabled', telemetryDisabled: true }) },
    { enabled: false, source: 'user-config', reason: /telemetryDisabled/ },
  ],
  [
    'CI and DO_NOT_TRACK: the env switch is named',
    { env: { DO_NOT_TRACK: '1' }, isCI: true },
    { enabled: false, source: 'env:DO_NOT_TRACK', reason: /DO_NOT_TRACK/ },
  ],
  [
    'recorded consent does not beat a kill switch',
    { env: { DISABLE_TELEMETRY: 'on' }, userConfig: config({ telemetryChoice: 'enabled' }) },
    { enabled: false, source: 'env:DISABLE_TELEMETRY', reason: /DISABLE_TELEMETRY/ },
  ],
  [
    'recorded consent outside CI',
    { env: {}, userConfig: config({ telemetryChoice: 'enabled' }) },
    { enabled: true, source: 'user-config', reason: /you chose/ },
  ],
  [
    'no deployment and no config: default',
    { env: {}, deploymentEnv: { status: 'missing' }, userConfig: { status: 'missing' } },
    { enabled: true, source: 'default', reason: /default/ },
  ],
];

describe('resolveElmoConsent (SPEC §3)', () => {
  it.each(rows)('%s', (_label, inputs, expected) => {
    const decision = resolveElmoConsent(inputs);
    expect(decision.enabled).toBe(expected.enabled);
    expect(decision.source).toBe(expected.source);
    expect(decision.reason).toMatch(expected.reason);
  });
});
