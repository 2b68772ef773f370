import { describe, expect, it } from 'vitest';
import { readDeploymentSettings } from './deployment-settings.js';

describe('readDeploymentSettings', () => {
  it('defaults to the offline provider, local mode and the embedded database', () => {
    expect(readDeploymentSettings({})).toEqual({
      settings: { providers: ['offline'], deploymentMode: 'local', databaseMode: 'embedded' },
      problems: [],
    });
  });

  it('reads a comma list in order without repeats, any case and spacing, and the mode and database', () => {
    const { settings, problems } = readDeploymentSettings({
      ELMO_PROVIDERS: ' OpenAI, anthropic,openai ,',
      ELMO_DEPLOYMENT_MODE: 'WhiteLabel',
      DATABASE_URL: 'postgres://elmo@localhost/elmo',
    });
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      providers: ['openai', 'anthropic'],
      deploymentMode: 'whitelabel',
      databaseMode: 'postgres',
    });
  });

  it('leaves out what it does not know and says so in one line each', () => {
    const { settings, problems } = readDeploymentSettings({
      ELMO_PROVIDERS: 'gemini,openai',
      ELMO_DEPLOYMENT_MODE: 'cloud',
    });
    expect(settings.providers).toEqual(['openai']);
    expect(settings.deploymentMode).toBe('local');
    expect(problems).toEqual([
      'ELMO_PROVIDERS names "gemini"; known providers: offline, openai, anthropic, openai_compatible',
      'ELMO_DEPLOYMENT_MODE must be one of local, whitelabel, development, not "cloud"',
    ]);
  });
});
