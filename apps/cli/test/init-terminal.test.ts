import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { ELMO_BIN, hasTmux, startTerminal, type TerminalSession, TMUX_MISSING } from '@elmo/test-support';
import { expectInert, useE2E, useTempDir } from '@elmo/test-support/vitest';
import { afterEach, describe, expect, it } from 'vitest';

function envValues(path: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match) values[match[1] as string] = match[2] as string;
  }
  return values;
}

describe('elmo init on a real terminal', () => {
  const e2e = useE2E();
  // The tmux socket lives outside the test home so that its server is never mistaken for a sender.
  const tmuxDir = useTempDir('elmo-cli-tmux-');
  let terminal: TerminalSession | undefined;

  afterEach(() => {
    terminal?.close();
    terminal = undefined;
  });

  const startInit = (args: string[] = []) => {
    if (!hasTmux()) throw new Error(TMUX_MISSING);
    terminal = startTerminal([process.execPath, ELMO_BIN, 'init', ...args], e2e.home.env(), tmuxDir.path);
    return terminal;
  };

  it('yes path: embedded database, telemetry on, newsletter with an invalid address re-asked', async () => {
    const { sink, home } = e2e;
    const term = startInit();
    await term.waitFor('Which database should Elmo use?');
    term.press('Enter');
    const question = await term.waitFor('Share anonymous telemetry?');
    expect(question).toContain('Never collected');
    expect(question).toContain('cli_command');
    term.press('Enter');
    await term.waitFor('Which model providers should reports ask?');
    term.press('Enter');
    await term.waitFor('Email me product updates?');
    term.press('y');
    await term.waitFor('Your email address');
    term.press({ text: 'carol-at-example' }, 'Enter');
    await term.waitFor('is not a valid email address');
    term.press(...Array.from({ length: 20 }, () => 'BSpace'), { text: 'carol@example.com' }, 'Enter');
    expect(await term.waitForExit()).toBe(0);
    expect(term.screen()).toContain('Next: elmo start');

    const env = envValues(home.envFile);
    expect(env.DEPLOYMENT_ID).toMatch(/^[0-9a-f-]{36}$/);
    expect(env.ELMO_INTERNAL_TOKEN?.length).toBeGreaterThanOrEqual(32);
    expect(env.DISABLE_TELEMETRY).toBeUndefined();
    const config = home.readConfig();
    expect(config).toMatchObject({ telemetryChoice: 'enabled', noticeVersion: elmoCatalog.consentVersion });
    expect(config).not.toHaveProperty('telemetryDisabled');

    const events = await sink.waitForEvents(3);
    await home.waitForSenders();
    expect(events.map((e) => e.event).sort()).toEqual(['cli_command', 'cli_init', 'newsletter_signup']);
    for (const event of events) expect(event.distinctId).toBe(config?.installId);
    expect(events.find((e) => e.event === 'cli_init')?.properties).toMatchObject({
      database_mode: 'embedded',
      telemetry_answered: true,
      newsletter_answered: true,
      deployment_existed: false,
      is_interactive: true,
      providers: ['offline'],
      completed: true,
      last_step: 'written',
    });
    expect(env.ELMO_PROVIDERS).toBe('offline');
    expect(events.find((e) => e.event === 'cli_command')?.properties).toMatchObject({
      command: 'init',
      status: 'success',
      is_interactive: true,
    });
    expect(events.find((e) => e.event === 'newsletter_signup')?.properties.$set).toEqual({
      email: 'carol@example.com',
    });
  });

  it('no path: PostgreSQL URL re-asked until valid, telemetry declined in both places, nothing sent', async () => {
    const { home } = e2e;
    const term = startInit();
    await term.waitFor('Which database should Elmo use?');
    term.press('Down', 'Enter');
    await term.waitFor('PostgreSQL URL');
    term.press({ text: 'mysql://nope' }, 'Enter');
    await term.waitFor('must be a postgres://');
    term.press(...Array.from({ length: 20 }, () => 'BSpace'), { text: 'postgres://elmo@localhost:5432/elmo' }, 'Enter');
    await term.waitFor('Share anonymous telemetry?');
    term.press('n');
    await term.waitFor('Which model providers should reports ask?');
    term.press('Enter');
    await term.waitFor('Email me product updates?');
    term.press('Enter');
    expect(await term.waitForExit()).toBe(0);

    const env = envValues(home.envFile);
    expect(env.DATABASE_URL).toBe('postgres://elmo@localhost:5432/elmo');
    expect(env.DISABLE_TELEMETRY).toBe('1');
    expect(home.readConfig()).toMatchObject({ telemetryDisabled: true, telemetryChoice: 'disabled' });
    await expectInert(e2e);

    // A second init (flags, no terminal) keeps DEPLOYMENT_ID and every other line.
    writeFileSync(home.envFile, `${readFileSync(home.envFile, 'utf8')}# mine\nEXTRA=1\n`);
    const second = await home.run(['init', '--yes']);
    expect(second.code).toBe(0);
    const after = envValues(home.envFile);
    expect(after).toMatchObject({ ...env, EXTRA: '1' });
    expect(readFileSync(home.envFile, 'utf8')).toContain('# mine\n');
    expect(second.stdout).toContain('(kept)');
  });

  it('Ctrl-C at a question: exit 130, nothing more written, tracked as interrupted', async () => {
    const { sink, home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    const term = startInit();
    await term.waitFor('Which database should Elmo use?');
    term.press('C-c');
    expect(await term.waitForExit()).toBe(130);
    expect(existsSync(home.envFile)).toBe(false);
    const [event] = await sink.waitForEvents(1);
    expect(event?.properties).toMatchObject({ command: 'init', status: 'interrupted', error_code: 'interrupted' });
    await home.waitForSenders();
  });
});

describe('elmo init without a terminal', () => {
  const e2e = useE2E();

  it('flags answer everything, nothing is asked or awaited, and DEPLOYMENT_ID survives a second init', async () => {
    const { sink, home } = e2e;
    // stdin is an idle pipe that stays open: a question would hang here, so finishing proves nothing was asked.
    const first = await home.run(['init', '--no-telemetry', '--database-url', 'postgres://elmo@db:5432/elmo'], {
      timeoutMs: 10_000,
      holdStdin: true,
    });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created');
    const env = envValues(home.envFile);
    expect(env).toMatchObject({ DATABASE_URL: 'postgres://elmo@db:5432/elmo', DISABLE_TELEMETRY: '1' });

    const second = await home.run(['init', '--telemetry'], { holdStdin: true });
    expect(second.code).toBe(0);
    const after = envValues(home.envFile);
    expect(after.DEPLOYMENT_ID).toBe(env.DEPLOYMENT_ID);
    expect(after.ELMO_INTERNAL_TOKEN).toBe(env.ELMO_INTERNAL_TOKEN);
    expect(after.DATABASE_URL).toBe(env.DATABASE_URL);
    expect(after.DISABLE_TELEMETRY).toBeUndefined();
    expect(home.readConfig()).toMatchObject({ telemetryChoice: 'enabled' });
    const events = await sink.waitForEvents(2);
    await home.waitForSenders();
    expect(events.find((e) => e.event === 'cli_init')?.properties).toMatchObject({
      database_mode: 'postgres',
      telemetry_answered: true,
      newsletter_answered: false,
      deployment_existed: true,
      is_interactive: false,
    });
    expect(events.find((e) => e.event === 'cli_command')?.properties.flags).toEqual(['telemetry']);
  });
});
