import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { ELMO_BIN } from '@elmo/test-support';
import { expectInert, useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

const CORRUPT = '{"installId": "0b4a3f0e-7c1d-4e7a-9a59-3a1f2b6c7d8e", "telemetryChoice": "enab';

describe('bad files and missing folders', () => {
  const e2e = useE2E();

  it('a corrupt config.json: the command succeeds, one warning line names the file, the file is unchanged byte for byte', async () => {
    const { home } = e2e;
    home.writeConfig(CORRUPT);
    const status = await home.run(['status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Deployment: none');
    const lines = status.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(home.configFile);
    expect(lines[0]).toMatch(/^warning: /);

    // init without a telemetry choice to record leaves the config alone, and warns the same way.
    const init = await home.run(['init', '--yes']);
    expect(init.code).toBe(0);
    expect(init.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(home.envFile)).toBe(true);

    // init that would have to record a choice refuses, before writing anything.
    const refused = await home.run(['init', '--yes', '--telemetry']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(home.configFile);

    expect(readFileSync(home.configFile, 'utf8')).toBe(CORRUPT);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(e2e.sink.requests).toEqual([]);
    expect(existsSync(home.stateDir)).toBe(false);
  });

  it('a corrupt deployment .env: status still works and warns once; init refuses to overwrite it', async () => {
    const { home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    mkdirSync(home.deployDir, { recursive: true });
    const bytes = Buffer.from('DEPLOYMENT_ID=x\n\u0000\u0001binary');
    writeFileSync(home.envFile, bytes);
    const status = await home.run(['status']);
    expect(status.code).toBe(0);
    expect(status.stderr.trim().split('\n')).toHaveLength(1);
    expect(status.stderr).toContain(home.envFile);
    const init = await home.run(['init', '--yes']);
    expect(init.code).toBe(1);
    expect(init.stderr).toContain(home.envFile);
    expect(readFileSync(home.envFile)).toEqual(bytes);
    await expectInert(e2e);
  });

  it('a missing home folder: commands work, telemetry is off, nothing is created', async () => {
    const { home } = e2e;
    const missing = join(home.root, 'no-such-home');
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: missing,
      ELMO_HOME: home.deployDir,
      ELMO_POSTHOG_HOST: e2e.sink.url,
      ELMO_POSTHOG_KEY: 'phc_test',
    };
    const status = await home.run(['status'], { env });
    expect(status.code).toBe(0);
    expect(status.stderr).toBe('');
    const init = await home.run(['init', '--yes'], { env });
    expect(init.code).toBe(0);
    expect(existsSync(missing)).toBe(false);
    const json = await home.run(['telemetry', 'status', '--json'], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({ enabled: false, source: 'home' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(e2e.sink.requests).toEqual([]);
  });

  it('an unwritable state folder: the command succeeds silently and its exit code is unchanged', async () => {
    const { home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    const blocker = join(home.root, 'state-is-a-file');
    writeFileSync(blocker, '');
    const extraEnv = { XDG_STATE_HOME: join(blocker, 'state') };
    const status = await home.run(['status'], { extraEnv });
    expect(status.code).toBe(0);
    expect(status.stderr).toBe('');
    const start = await home.run(['start'], { extraEnv });
    expect(start.code).toBe(1);
    expect(start.stderr.trim().split('\n')).toHaveLength(1);
    expect(home.senders()).toEqual([]);
  });

  it('a shell whose current folder was deleted: `elmo status` still answers, with no stack trace', async () => {
    const { home } = e2e;
    const gone = join(home.root, 'gone');
    mkdirSync(gone);
    // The shell enters the folder, which is then deleted under it, as happens after `rm -rf` in another terminal.
    // `node -e` leaves the built elmo and `status` in process.argv, where elmo reads them.
    const enterAndDelete = `process.chdir(${JSON.stringify(gone)}); require('node:fs').rmdirSync(${JSON.stringify(gone)});`;
    const result = await home.run(['status'], {
      nodeArgs: ['-e', `${enterAndDelete} import(${JSON.stringify(ELMO_BIN)});`],
    });
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Deployment: none');
  });
});
