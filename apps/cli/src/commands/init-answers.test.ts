import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScriptedPrompter, createTestDeps, type TestDeps } from '../testing/test-deps.js';
import { checkInitFlags, gatherAnswers, isInteractive, telemetrySummary } from './init-answers.js';

const FRESH = { providers: ['offline' as const], envValues: {} };

describe('init answers', () => {
  let deps: TestDeps;
  beforeEach(() => {
    deps = createTestDeps({ isTTY: true });
  });
  afterEach(() => deps.cleanup());

  it('asks only on a terminal, never in CI, never with --yes', () => {
    expect(isInteractive(deps, {})).toBe(true);
    expect(isInteractive({ ...deps, isTTY: false }, {})).toBe(false);
    expect(isInteractive({ ...deps, isCI: true }, {})).toBe(false);
    expect(isInteractive(deps, { yes: true })).toBe(false);
  });

  it('asks database, telemetry, providers and newsletter in that order, re-asking invalid answers', async () => {
    const prompter = createScriptedPrompter([
      'postgres',
      'http://x',
      'postgres://e@h/db',
      false,
      ['offline', 'anthropic'],
      '',
      'sk-ant-1',
      true,
      'nope',
      'a@b.co',
    ]);
    const steps: string[] = [];
    const told: boolean[] = [];
    const answers = await gatherAnswers(
      { ...deps, prompter },
      {},
      { telemetryDeclined: false, ...FRESH },
      {
        step: (step) => steps.push(step),
        databaseChosen: (mode) => steps.push(`chose ${mode}`),
        telemetryAnswered: (answer) => told.push(answer),
        providersChosen: (providers) => steps.push(`chose ${providers.join(',')}`),
      },
    );
    expect(answers).toEqual({
      database: { mode: 'postgres', url: 'postgres://e@h/db', explicit: true },
      telemetry: false,
      email: 'a@b.co',
      newsletterAnswered: true,
      providers: { providers: ['offline', 'anthropic'], values: { ANTHROPIC_API_KEY: 'sk-ant-1' } },
      interactive: true,
    });
    expect(prompter.asked).toEqual([
      'Which database should Elmo use?',
      'PostgreSQL URL',
      'PostgreSQL URL',
      'Share anonymous telemetry?',
      'Which model providers should reports ask?',
      'Anthropic API key',
      'Anthropic API key',
      'Email me product updates?',
      'Your email address',
      'Your email address',
    ]);
    expect(steps).toEqual([
      'database',
      'chose postgres',
      'telemetry',
      'providers',
      'chose offline,anthropic',
      'newsletter',
    ]);
    expect(told).toEqual([false]);
  });

  it('asks an OpenAI-compatible server for its base URL and an optional key; Enter keeps a key already set', async () => {
    const prompter = createScriptedPrompter([
      true,
      ['openai_compatible', 'openai'],
      'ftp://x',
      'http://127.0.0.1:9/v1',
      '',
      false,
    ]);
    const answers = await gatherAnswers(
      { ...deps, prompter },
      { databaseUrl: 'postgres://h/db' },
      { telemetryDeclined: false, providers: ['openai'], envValues: { OPENAI_API_KEY: 'sk-old' } },
    );
    expect(answers.providers).toEqual({
      providers: ['openai_compatible', 'openai'],
      values: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
    });
    expect(prompter.asked).toEqual([
      'Share anonymous telemetry?',
      'Which model providers should reports ask?',
      'Base URL of the OpenAI-compatible server',
      'Base URL of the OpenAI-compatible server',
      'OpenAI API key (Enter keeps the one already set)',
      'Email me product updates?',
    ]);
  });

  it('asks nothing that a flag answered, and nothing about telemetry when an env var forces it off', async () => {
    const prompter = createScriptedPrompter([]);
    const answers = await gatherAnswers(
      { ...deps, prompter },
      { databaseUrl: 'postgres://h/db', email: 'x@y.io', provider: ['anthropic'] },
      {
        telemetryDeclined: false,
        telemetryForcedOff: 'disabled by the DO_NOT_TRACK environment variable',
        providers: ['offline'],
        envValues: { ANTHROPIC_API_KEY: 'sk-ant-kept' },
      },
    );
    expect(answers).toMatchObject({
      telemetry: undefined,
      email: 'x@y.io',
      database: { mode: 'postgres' },
      providers: { providers: ['anthropic'], values: {} },
    });
    expect(prompter.asked).toEqual([]);
  });

  it('without a terminal keeps the current database and records no telemetry choice', async () => {
    const answers = await gatherAnswers(
      { ...deps, isTTY: false },
      {},
      { databaseUrl: 'postgres://h/db', telemetryDeclined: true, ...FRESH },
    );
    expect(answers).toEqual({
      database: { mode: 'postgres', explicit: false },
      telemetry: undefined,
      email: undefined,
      newsletterAnswered: false,
      providers: undefined,
      interactive: false,
    });
  });

  it('without a terminal takes provider keys from the environment only, refusing a missing one by name', async () => {
    const script = { ...deps, isTTY: false };
    const env = { ...deps.env, OPENAI_API_KEY: ' sk-env ', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' };
    const answers = await gatherAnswers(
      { ...script, env },
      { provider: ['openai,offline', 'openai_compatible'] },
      { telemetryDeclined: false, ...FRESH },
    );
    expect(answers.providers).toEqual({
      providers: ['openai', 'offline', 'openai_compatible'],
      values: { OPENAI_API_KEY: 'sk-env', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
    });
    const missing = gatherAnswers(
      script,
      { provider: ['anthropic', 'openai'] },
      { telemetryDeclined: false, ...FRESH },
    );
    await expect(missing).rejects.toMatchObject({ code: 'missing_provider_key', exitCode: 2 });
    await expect(missing).rejects.toThrow(/needs ANTHROPIC_API_KEY and OPENAI_API_KEY: set them in the environment/);
    // A key the .env already holds is kept.
    const kept = await gatherAnswers(
      script,
      { provider: ['anthropic'] },
      { telemetryDeclined: false, providers: ['offline'], envValues: { ANTHROPIC_API_KEY: 'sk-ant' } },
    );
    expect(kept.providers).toEqual({ providers: ['anthropic'], values: {} });
    // A base URL is checked, and never echoed.
    const badUrl = gatherAnswers(
      { ...script, env: { ...deps.env, OPENAI_BASE_URL: 'file:///secret-path' } },
      { provider: ['openai_compatible'] },
      { telemetryDeclined: false, ...FRESH },
    );
    await expect(badUrl).rejects.toMatchObject({ code: 'invalid_provider', exitCode: 2 });
    await expect(badUrl).rejects.toThrow(/^(?!.*secret-path)OPENAI_BASE_URL must be an http/);
  });

  it('refuses invalid flag values with exit code 2, never echoing a database URL', () => {
    expect(() => checkInitFlags({ email: 'a@' })).toThrow(/not a valid email/);
    expect(() => checkInitFlags({ databaseUrl: 'mysql://u:hunter2@h/db' })).toThrow(/^(?!.*hunter2).*postgres:\/\//);
    expect(() => checkInitFlags({ email: 'a@b.co', databaseUrl: 'postgresql://h/db' })).not.toThrow();
    expect(() => checkInitFlags({ provider: ['openai', 'gemini'] })).toThrow(
      /^--provider "gemini" is not a provider Elmo knows; choose from offline, openai, anthropic, openai_compatible$/,
    );
    expect(() => checkInitFlags({ provider: ['OpenAI', 'offline'] })).not.toThrow();
  });

  it('lists what is and is not collected, from the catalog', () => {
    const summary = telemetrySummary();
    expect(summary).toContain('cli_command:');
    expect(summary).toContain('Never collected:');
    expect(summary).not.toContain('newsletter_signup');
  });
});
