import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { useE2E } from '@elmo/test-support/vitest';
import { describe, expect } from 'vitest';
import { checkInert, checkRefusedInOneLine, checkWorksWithWarning, cliCase, linesOf } from './support/bad-input.js';

// Bad input to the CLI, part 1: a corrupt, oversized, wrong-typed or misplaced user config, unwritable
// folders, a missing home. Every case: the command still does its job or refuses in one line, and no file is
// overwritten (SPEC §10).

const NOTICE_SEEN = { noticeVersion: elmoCatalog.consentVersion };
const BLOCKER_TEXT = 'not a folder';

/**
 * Puts a regular file where the XDG `kind` folder would be created, which makes every write there fail the way a
 * read-only folder would (ENOTDIR instead of EACCES): tests run as root, for whom permission bits block nothing.
 */
function blockXdgFolder(root: string, kind: 'config' | 'state') {
  const blocker = join(root, `${kind}-is-a-file`);
  writeFileSync(blocker, BLOCKER_TEXT);
  return { blocker, extraEnv: { [`XDG_${kind.toUpperCase()}_HOME`]: join(blocker, kind) } };
}

describe('bad input: user config', () => {
  const e2e = useE2E();

  const corruptConfigs: [string, string | Buffer][] = [
    ['truncated', '{"installId": "0b4a3f0e-7c1d-4e7a-9a59-3a1f2b6c7d8e", "telemetryChoice": "enab'],
    ['binary', Buffer.concat([Buffer.from('{"a":'), randomBytes(64), Buffer.from([0, 0xff, 0xfe])])],
    ['wrong type (an array, not an object)', '[1, 2, 3]\n'],
    ['huge (2 MB of valid JSON)', JSON.stringify({ ...NOTICE_SEEN, padding: 'x'.repeat(2 * 1024 * 1024) })],
  ];
  for (const [label, content] of corruptConfigs) {
    cliCase(e2e, `config.json ${label}`, async (cell, home) => {
      home.writeConfig('');
      writeFileSync(home.configFile, content);
      const before = readFileSync(home.configFile);
      checkWorksWithWarning(cell, 'status', await home.run(['status']), home.configFile);
      checkRefusedInOneLine(cell, 'telemetry disable', await home.run(['telemetry', 'disable']), home.configFile);
      checkRefusedInOneLine(
        cell,
        'init --telemetry',
        await home.run(['init', '--yes', '--telemetry']),
        home.configFile,
      );
      cell.check('the file is unchanged, byte for byte', () =>
        expect(readFileSync(home.configFile).equals(before)).toBe(true),
      );
      await checkInert(cell, home, e2e.sink);
    });
  }

  cliCase(e2e, 'config.json wrong-typed values', async (cell, home) => {
    home.writeConfig({ ...NOTICE_SEEN, telemetryDisabled: 'yes', telemetryChoice: 7, installId: 42, keep: { a: 1 } });
    const run = await home.run(['status']);
    cell.check('status exits 0 without a warning', () => {
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
    });
    await home.waitForSenders();
    const config = home.readConfig() ?? {};
    cell.check('other keys and the wrong-typed choices are kept as written', () => {
      expect(config).toMatchObject({ keep: { a: 1 }, telemetryDisabled: 'yes', telemetryChoice: 7 });
    });
    // SPEC §2: one truthy parser everywhere, so a hand-edited "yes" disables (most restrictive wins).
    cell.check('telemetryDisabled: "yes" disables: nothing is sent and no install id is created', () => {
      expect(e2e.sink.events).toEqual([]);
      expect(config.installId).toBe(42);
    });
    const decision = JSON.parse((await home.run(['telemetry', 'status', '--json'])).stdout);
    cell.check('telemetry status names the config as the reason', () => {
      expect(decision).toMatchObject({ enabled: false, source: 'user-config' });
    });
  });

  cliCase(e2e, 'config.json is a folder (unreadable)', async (cell, home) => {
    mkdirSync(home.configFile, { recursive: true });
    checkWorksWithWarning(cell, 'status', await home.run(['status']), home.configFile);
    checkRefusedInOneLine(cell, 'telemetry disable', await home.run(['telemetry', 'disable']), home.configFile);
    cell.check('the folder is left alone', () => expect(existsSync(home.configFile)).toBe(true));
    await checkInert(cell, home, e2e.sink);
  });

  cliCase(e2e, 'config folder unwritable (a file in its place; root ignores modes)', async (cell, home) => {
    const { blocker, extraEnv } = blockXdgFolder(home.root, 'config');
    const status = await home.run(['status'], { extraEnv });
    cell.check('status exits 0 and says telemetry is off', () => {
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/Telemetry:\s+off/);
    });
    cell.check('status warns once', () => expect(linesOf(status.stderr)).toHaveLength(1));
    checkRefusedInOneLine(cell, 'telemetry disable', await home.run(['telemetry', 'disable'], { extraEnv }));
    cell.check('the blocking file is unchanged', () => expect(readFileSync(blocker, 'utf8')).toBe(BLOCKER_TEXT));
    await checkInert(cell, home, e2e.sink);
  });

  cliCase(e2e, 'state folder unwritable (a file in its place)', async (cell, home) => {
    home.writeConfig(NOTICE_SEEN);
    const { extraEnv } = blockXdgFolder(home.root, 'state');
    const status = await home.run(['status'], { extraEnv });
    cell.check('status exits 0 and prints nothing on stderr', () => {
      expect(status.code).toBe(0);
      expect(status.stderr).toBe('');
    });
    const start = await home.run(['start'], { extraEnv });
    cell.check('a failing command keeps its exit code and one line', () => {
      expect(start.code).toBe(1);
      expect(linesOf(start.stderr)).toHaveLength(1);
    });
    cell.check('no sender was started', () => expect(home.senders()).toEqual([]));
  });
});

describe('bad input: home folder', () => {
  const e2e = useE2E();

  cliCase(e2e, 'missing HOME (unset / missing folder)', async (cell, home) => {
    const { sink } = e2e;
    // Without HOME, Node falls back to the user database (/root here): nothing may be written there.
    const real = ['/root/.config/elmo', '/root/.local/state/elmo', '/root/.elmo'];
    const existed = real.map((path) => existsSync(path));
    const unset = { ...home.env() } as Record<string, string>;
    delete unset.HOME;
    const init = await home.run(['init', '--yes'], { env: unset });
    const status = await home.run(['status'], { env: unset });
    cell.check('HOME unset: init and status exit 0', () => expect([init.code, status.code]).toEqual([0, 0]));
    cell.check('HOME unset: nothing written outside XDG_* and ELMO_HOME', () => {
      expect(real.map((path) => existsSync(path))).toEqual(existed);
    });
    const missing = join(home.root, 'no-such-home');
    const bare = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: missing,
      ELMO_HOME: home.deployDir,
      ELMO_POSTHOG_HOST: sink.url,
      ELMO_POSTHOG_KEY: 'phc_test',
    };
    await home.waitForSenders();
    const before = sink.requests.length;
    const json = await home.run(['telemetry', 'status', '--json'], { env: bare });
    const plain = await home.run(['status'], { env: bare });
    cell.check('HOME missing: commands exit 0, telemetry off (source "home")', () => {
      expect(plain.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({ enabled: false, source: 'home' });
    });
    await home.waitForSenders();
    cell.check('HOME missing: the folder is not created and nothing is sent', () => {
      expect(existsSync(missing)).toBe(false);
      expect(sink.requests.length).toBe(before);
    });
  });
});
