import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScriptedPrompter, createTestDeps, type TestDeps } from '../testing/test-deps.js';
import { checkInitFlags, gatherAnswers, isInteractive, telemetrySummary } from './init-answers.js';

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

  it('asks database, telemetry and newsletter, re-asking an invalid URL and address', async () => {
    const prompter = createScriptedPrompter([
      'postgres',
      'http://x',
      'postgres://e@h/db',
      false,
      true,
      'nope',
      'a@b.co',
    ]);
    const answers = await gatherAnswers({ ...deps, prompter }, {}, { telemetryDeclined: false });
    expect(answers).toEqual({
      database: { mode: 'postgres', url: 'postgres://e@h/db', explicit: true },
      telemetry: false,
      email: 'a@b.co',
      newsletterAnswered: true,
      interactive: true,
    });
    expect(prompter.asked).toEqual([
      'Which database should Elmo use?',
      'PostgreSQL URL',
      'PostgreSQL URL',
      'Share anonymous telemetry?',
      'Email me product updates?',
      'Your email address',
      'Your email address',
    ]);
  });

  it('asks nothing that a flag answered, and nothing about telemetry when an env var forces it off', async () => {
    const prompter = createScriptedPrompter([]);
    const answers = await gatherAnswers(
      { ...deps, prompter },
      { databaseUrl: 'postgres://h/db', email: 'x@y.io' },
      { telemetryDeclined: false, telemetryForcedOff: 'disabled by the DO_NOT_TRACK environment variable' },
    );
    expect(answers).toMatchObject({ telemetry: undefined, email: 'x@y.io', database: { mode: 'postgres' } });
    expect(prompter.asked).toEqual([]);
  });

  it('without a terminal keeps the current database and records no telemetry choice', async () => {
    const answers = await gatherAnswers(
      { ...deps, isTTY: false },
      {},
      { databaseUrl: 'postgres://h/db', telemetryDeclined: true },
    );
    expect(answers).toEqual({
      database: { mode: 'postgres', explicit: false },
      telemetry: undefined,
      email: undefined,
      newsletterAnswered: false,
      interactive: false,
    });
  });

  it('refuses invalid flag values with exit code 2, never echoing a database URL', () => {
    expect(() => checkInitFlags({ email: 'a@' })).toThrow(/not a valid email/);
    expect(() => checkInitFlags({ databaseUrl: 'mysql://u:hunter2@h/db' })).toThrow(/^(?!.*hunter2).*postgres:\/\//);
    expect(() => checkInitFlags({ email: 'a@b.co', databaseUrl: 'postgresql://h/db' })).not.toThrow();
  });

  it('lists what is and is not collected, from the catalog', () => {
    const summary = telemetrySummary();
    expect(summary).toContain('cli_command:');
    expect(summary).toContain('Never collected:');
    expect(summary).not.toContain('newsletter_signup');
  });
});
