import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWebEnv } from './env';

describe('readWebEnv', () => {
  it('defaults to ~/.elmo with PGlite and no worker token', () => {
    expect(readWebEnv({}, '/srv/elmo/apps/web')).toEqual({
      home: join(homedir(), '.elmo'),
      dataDir: join(homedir(), '.elmo', 'data'),
      databaseUrl: null,
      internalToken: null,
      migrationsDir: '/srv/elmo/apps/web/drizzle',
      manualSignalHandling: false,
      productVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
      telemetryEnv: {
        DO_NOT_TRACK: undefined,
        DISABLE_TELEMETRY: undefined,
        ELMO_TELEMETRY_POLICY: undefined,
        XDG_CONFIG_HOME: undefined,
        DEPLOYMENT_ID: undefined,
        ELMO_POSTHOG_HOST: undefined,
        ELMO_POSTHOG_KEY: undefined,
        ELMO_TELEMETRY_DEBUG: undefined,
        LOG_LEVEL: undefined,
      },
      userHome: homedir(),
      telemetryIntervals: { flushMs: undefined, usageMs: undefined },
      telemetryAllowHeadless: false,
      allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
      deploymentSettings: { providers: ['offline'], deploymentMode: 'local', databaseMode: 'embedded' },
      settingProblems: [],
    });
  });

  it('passes only telemetry variables on to telemetry, and reads the test knobs', () => {
    const env = readWebEnv(
      {
        DO_NOT_TRACK: '1',
        HOME: '/root',
        ELMO_TELEMETRY_FLUSH_MS: '200',
        ELMO_TELEMETRY_USAGE_MS: 'x',
        ELMO_TELEMETRY_HEARTBEAT_MS: '500',
        ELMO_VERSION: '9.9.9',
      },
      '/x',
    );
    expect(env.telemetryEnv.DO_NOT_TRACK).toBe('1');
    expect(env.telemetryEnv).not.toHaveProperty('HOME');
    expect(env.telemetryIntervals).toEqual({ flushMs: 200, usageMs: undefined, heartbeatMs: 500 });
    expect(env.productVersion).toBe('9.9.9');
  });

  it('reads the deployment folder, PostgreSQL URL, token and signal mode', () => {
    const env = readWebEnv(
      {
        ELMO_HOME: '/tmp/deploy',
        DATABASE_URL: 'postgres://u@h/db',
        ELMO_INTERNAL_TOKEN: 's3cret',
        NEXT_MANUAL_SIG_HANDLE: '1',
      },
      '/x',
    );
    expect(env).toMatchObject({
      home: '/tmp/deploy',
      dataDir: '/tmp/deploy/data',
      databaseUrl: 'postgres://u@h/db',
      internalToken: 's3cret',
      manualSignalHandling: true,
    });
  });

  it('allows loopback plus the host names of ELMO_ALLOWED_HOSTS', () => {
    expect(
      readWebEnv({ ELMO_ALLOWED_HOSTS: ' Elmo.LAN, 192.168.1.5:3000,,fd00::5 ,localhost' }, '/x').allowedHosts,
    ).toEqual(['localhost', '127.0.0.1', '[::1]', 'elmo.lan', '192.168.1.5:3000', '[fd00::5]']);
    expect(readWebEnv({ ELMO_ALLOWED_HOSTS: ' ' }, '/x').allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });

  it('treats blank values as unset', () => {
    expect(readWebEnv({ DATABASE_URL: ' ', ELMO_INTERNAL_TOKEN: '' }, '/x')).toMatchObject({
      databaseUrl: null,
      internalToken: null,
    });
  });
});
