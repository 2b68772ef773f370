import { existsSync } from 'node:fs';
import { readEnvFile } from '@elmo/telemetry-core/node';
import { ELMO_BIN, hasTmux, startTerminal, type TerminalSession, TMUX_MISSING } from '@elmo/test-support';
import { expectInert, useE2E, useTempDir } from '@elmo/test-support/vitest';
import { afterEach, describe, expect, it } from 'vitest';

// `elmo init` on a real terminal (tmux): the providers question, its masked key, and where an interrupted init
// stopped (SPEC §5 `cli_init.completed` / `last_step`), sent only once telemetry was allowed.

const KEY = 'sk-ant-typed-in-a-terminal-9z8y7x';

describe('elmo init: providers on a terminal, and where it drops off', () => {
  const e2e = useE2E({ waitForSenders: true });
  const tmuxDir = useTempDir('elmo-cli-tmux-');
  let terminal: TerminalSession | undefined;

  afterEach(() => {
    terminal?.close();
    terminal = undefined;
  });

  const startInit = () => {
    if (!hasTmux()) throw new Error(TMUX_MISSING);
    terminal = startTerminal([process.execPath, ELMO_BIN, 'init'], e2e.home.env(), tmuxDir.path);
    return terminal;
  };

  /** Answers the database (embedded) and telemetry (yes) questions, up to the providers question. */
  const toProviders = async (term: TerminalSession) => {
    await term.waitFor('Which database should Elmo use?');
    term.press('Enter');
    await term.waitFor('Share anonymous telemetry?');
    term.press('Enter');
    await term.waitFor('Which model providers should reports ask?');
  };

  it('chooses a provider and types its key masked: the key is written to the .env only', async () => {
    const { home, sink } = e2e;
    const term = startInit();
    await toProviders(term);
    // offline is chosen by default: untick it, tick anthropic (third).
    term.press('Space', 'Down', 'Down', 'Space', 'Enter');
    await term.waitFor('Anthropic API key');
    term.press({ text: KEY }, 'Enter');
    await term.waitFor('Email me product updates?');
    term.press('Enter');
    expect(await term.waitForExit()).toBe(0);
    expect(term.screen()).not.toContain(KEY);
    expect(term.screen()).toContain('providers:   anthropic');

    const env = readEnvFile(home.envFile);
    expect(env.status === 'ok' && env.values).toMatchObject({ ELMO_PROVIDERS: 'anthropic', ANTHROPIC_API_KEY: KEY });
    const events = await sink.waitForEvents(2);
    await home.waitForSenders();
    expect(events.find((e) => e.event === 'cli_init')?.properties).toMatchObject({
      providers: ['anthropic'],
      completed: true,
      last_step: 'written',
    });
    expect(sink.rawBytes().toString('latin1')).not.toContain(KEY);
    expect(JSON.stringify(home.readConfig())).not.toContain(KEY);
  });

  it.each([
    { step: 'providers', providers: undefined, reach: async (_term: TerminalSession) => {} },
    {
      step: 'newsletter',
      providers: ['offline'],
      reach: async (term: TerminalSession) => {
        term.press('Enter');
        await term.waitFor('Email me product updates?');
      },
    },
  ])(
    'Ctrl-C at the $step question after "yes" to telemetry: cli_init completed false, last_step $step',
    async ({ step, providers, reach }) => {
      const { home, sink } = e2e;
      const term = startInit();
      await toProviders(term);
      await reach(term);
      term.press('C-c');
      expect(await term.waitForExit()).toBe(130);
      // The telemetry answer was saved as soon as it was given; the deployment was not created.
      expect(home.readConfig()).toMatchObject({ telemetryChoice: 'enabled' });
      expect(existsSync(home.envFile)).toBe(false);

      const events = await sink.waitForEvents(2);
      await home.waitForSenders();
      expect(events.map((e) => e.event).sort()).toEqual(['cli_command', 'cli_init']);
      const init = events.find((e) => e.event === 'cli_init')?.properties;
      // The choices made before the interruption go with it: the database, and the providers once chosen.
      expect(init).toMatchObject({
        database_mode: 'embedded',
        completed: false,
        last_step: step,
        telemetry_answered: true,
        newsletter_answered: false,
        is_interactive: true,
      });
      expect(init?.providers).toEqual(providers);
      expect(events.find((e) => e.event === 'cli_command')?.properties).toMatchObject({
        command: 'init',
        status: 'interrupted',
        error_code: 'interrupted',
      });
    },
  );

  it('Ctrl-C before the telemetry answer, with no choice recorded before: nothing is sent', async () => {
    const term = startInit();
    await term.waitFor('Which database should Elmo use?');
    term.press('Enter');
    await term.waitFor('Share anonymous telemetry?');
    term.press('C-c');
    expect(await term.waitForExit()).toBe(130);
    expect(existsSync(e2e.home.envFile)).toBe(false);
    await expectInert(e2e);
  });
});
