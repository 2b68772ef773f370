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
    });
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

  it('treats blank values as unset', () => {
    expect(readWebEnv({ DATABASE_URL: ' ', ELMO_INTERNAL_TOKEN: '' }, '/x')).toMatchObject({
      databaseUrl: null,
      internalToken: null,
    });
  });
});
