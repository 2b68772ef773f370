import { describe, expect, it } from 'vitest';
import { ConfigError, readWorkerEnv } from './env.js';

describe('readWorkerEnv', () => {
  it('needs the internal token', () => {
    expect(() => readWorkerEnv({})).toThrow(ConfigError);
    expect(() => readWorkerEnv({ ELMO_INTERNAL_TOKEN: '  ' })).toThrow(/ELMO_INTERNAL_TOKEN/);
  });

  it('defaults to the local web app and a one-second poll', () => {
    expect(readWorkerEnv({ ELMO_INTERNAL_TOKEN: 't' })).toMatchObject({
      webUrl: 'http://127.0.0.1:1515',
      internalToken: 't',
      pollIntervalMs: 1000,
      telemetryFlushMs: undefined,
    });
    expect(readWorkerEnv({ ELMO_INTERNAL_TOKEN: 't', ELMO_PORT: '4000' }).webUrl).toBe('http://127.0.0.1:4000');
  });

  it('reads the deployment folder and passes only telemetry variables on to telemetry', () => {
    const env = readWorkerEnv({
      ELMO_INTERNAL_TOKEN: 't',
      ELMO_HOME: '/srv/elmo',
      DO_NOT_TRACK: '1',
      HOME: '/root',
      ELMO_VERSION: '2.0.0',
    });
    expect(env.home).toBe('/srv/elmo');
    expect(env.productVersion).toBe('2.0.0');
    expect(env.telemetryEnv.DO_NOT_TRACK).toBe('1');
    expect(env.telemetryEnv).not.toHaveProperty('HOME');
  });

  it('takes the web URL and poll interval from the environment', () => {
    const env = readWorkerEnv({
      ELMO_INTERNAL_TOKEN: 't',
      ELMO_WEB_URL: 'http://localhost:9/',
      ELMO_WORKER_POLL_MS: '250',
    });
    expect(env).toMatchObject({ webUrl: 'http://localhost:9', pollIntervalMs: 250 });
  });

  it('rejects a malformed URL or interval with the variable named', () => {
    expect(() => readWorkerEnv({ ELMO_INTERNAL_TOKEN: 't', ELMO_WEB_URL: 'nope' })).toThrow(/ELMO_WEB_URL/);
    expect(() => readWorkerEnv({ ELMO_INTERNAL_TOKEN: 't', ELMO_WORKER_POLL_MS: 'soon' })).toThrow(
      /ELMO_WORKER_POLL_MS/,
    );
  });
});
