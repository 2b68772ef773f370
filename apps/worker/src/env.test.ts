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

  it('reads the deployment settings: offline by default, the mode, the database', () => {
    const env = readWorkerEnv({ ELMO_INTERNAL_TOKEN: 't' });
    expect(env.settings).toEqual({ providers: ['offline'], deploymentMode: 'local', databaseMode: 'embedded' });
    expect(env.providers).toMatchObject({ providers: ['offline'], timeoutMs: 60_000, retries: 2 });
    expect(
      readWorkerEnv({
        ELMO_INTERNAL_TOKEN: 't',
        ELMO_PROVIDERS: 'offline, anthropic',
        ANTHROPIC_API_KEY: 'ak',
        ELMO_DEPLOYMENT_MODE: 'whitelabel',
        DATABASE_URL: 'postgres://db',
      }).settings,
    ).toEqual({ providers: ['offline', 'anthropic'], deploymentMode: 'whitelabel', databaseMode: 'postgres' });
  });

  it('refuses an unknown provider or deployment mode in one line', () => {
    expect(() => readWorkerEnv({ ELMO_INTERNAL_TOKEN: 't', ELMO_PROVIDERS: 'offline,gemini' })).toThrow(
      new ConfigError('ELMO_PROVIDERS names "gemini"; known providers: offline, openai, anthropic, openai_compatible'),
    );
    expect(() => readWorkerEnv({ ELMO_INTERNAL_TOKEN: 't', ELMO_DEPLOYMENT_MODE: 'cloud' })).toThrow(ConfigError);
  });

  it('reads the provider keys, base URLs, models and knobs with their defaults', () => {
    const env = readWorkerEnv({
      ELMO_INTERNAL_TOKEN: 't',
      ELMO_PROVIDERS: 'openai,anthropic',
      OPENAI_API_KEY: 'sk-1',
      ANTHROPIC_API_KEY: 'ak-1',
      ANTHROPIC_MODEL: 'claude-x',
      ELMO_PROVIDER_TIMEOUT_MS: '1500',
      ELMO_PROVIDER_RETRIES: '0',
    });
    expect(env.providers).toEqual({
      providers: ['openai', 'anthropic'],
      openai: { baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-1', model: 'gpt-4o-mini' },
      anthropic: { baseUrl: 'https://api.anthropic.com', apiKey: 'ak-1', model: 'claude-x' },
      timeoutMs: 1500,
      retries: 0,
    });
    const compatible = readWorkerEnv({
      ELMO_INTERNAL_TOKEN: 't',
      ELMO_PROVIDERS: 'openai_compatible',
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1/',
    });
    expect(compatible.providers.openai).toEqual({
      baseUrl: 'http://127.0.0.1:11434/v1',
      apiKey: null,
      model: 'gpt-4o-mini',
    });
  });

  it('names the missing variable of a configured provider, never a value', () => {
    const base = { ELMO_INTERNAL_TOKEN: 't' };
    expect(() => readWorkerEnv({ ...base, ELMO_PROVIDERS: 'openai' })).toThrow(/OPENAI_API_KEY is not set/);
    expect(() => readWorkerEnv({ ...base, ELMO_PROVIDERS: 'openai_compatible' })).toThrow(/OPENAI_BASE_URL is not set/);
    expect(() => readWorkerEnv({ ...base, ELMO_PROVIDERS: 'anthropic' })).toThrow(/ANTHROPIC_API_KEY is not set/);
    // Variables of providers that are not configured are not looked at.
    expect(() => readWorkerEnv({ ...base, OPENAI_BASE_URL: 'nope', ANTHROPIC_BASE_URL: 'nope' })).not.toThrow();
    const secret = 'sk-secret-value:not-a-url';
    for (const env of [
      { ...base, ELMO_PROVIDERS: 'openai_compatible', OPENAI_BASE_URL: secret },
      { ...base, ELMO_PROVIDERS: 'anthropic', ANTHROPIC_API_KEY: 'k', ANTHROPIC_BASE_URL: `ftp://${secret}` },
      { ...base, ELMO_PROVIDER_RETRIES: '6' },
      { ...base, ELMO_PROVIDER_TIMEOUT_MS: 'soon' },
    ]) {
      let message = '';
      try {
        readWorkerEnv(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        message = (error as Error).message;
      }
      expect(message).toMatch(/^(OPENAI_BASE_URL|ANTHROPIC_BASE_URL|ELMO_PROVIDER_RETRIES|ELMO_PROVIDER_TIMEOUT_MS) /);
      expect(message).not.toContain('secret');
    }
  });

  it('reads the usage interval knob', () => {
    expect(readWorkerEnv({ ELMO_INTERNAL_TOKEN: 't', ELMO_TELEMETRY_USAGE_MS: '500' }).telemetryUsageMs).toBe(500);
    expect(readWorkerEnv({ ELMO_INTERNAL_TOKEN: 't', ELMO_TELEMETRY_USAGE_MS: 'x' }).telemetryUsageMs).toBeUndefined();
    expect(readWorkerEnv({ ELMO_INTERNAL_TOKEN: 't', ELMO_TELEMETRY_HEARTBEAT_MS: '500' }).telemetryHeartbeatMs).toBe(
      500,
    );
  });
});
