import { chmodSync, chownSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { expectInert, useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

const ENV_TEXT = `# my deployment
DEPLOYMENT_ID=3f1c6a3e-8a51-4c55-9f5e-0a0c6f0b8d11

# keep this comment
OTHER=value # inline
`;

describe('elmo telemetry enable | disable | status', () => {
  const e2e = useE2E();

  const statusJson = async () => {
    const run = await e2e.home.run(['telemetry', 'status', '--json']);
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };

  it('disable writes both files keeping their other content, enable reverses it, status follows, nothing is sent', async () => {
    const { home } = e2e;
    mkdirSync(home.deployDir, { recursive: true });
    writeFileSync(home.envFile, ENV_TEXT);
    home.writeConfig({ theme: 'dark', nested: { a: 1 } });

    const disable = await home.run(['telemetry', 'disable']);
    expect(disable.code).toBe(0);
    expect(disable.stdout).toContain('Telemetry disabled');
    expect(disable.stdout).toContain(`${home.configFile}: telemetryDisabled: true, telemetryMode: "off"`);
    expect(disable.stdout).toContain(`${home.envFile}: DISABLE_TELEMETRY=1`);
    expect(readFileSync(home.envFile, 'utf8')).toBe(`${ENV_TEXT}DISABLE_TELEMETRY=1\n`);
    expect(home.readConfig()).toEqual({
      theme: 'dark',
      nested: { a: 1 },
      telemetryDisabled: true,
      telemetryMode: 'off',
      telemetryChoice: 'disabled',
      noticeVersion: elmoCatalog.consentVersion,
    });
    expect(await statusJson()).toMatchObject({
      enabled: false,
      source: 'deployment-env',
      reason: `disabled by DISABLE_TELEMETRY in ${home.envFile}`,
      installId: null,
      deploymentId: '3f1c6a3e-8a51-4c55-9f5e-0a0c6f0b8d11',
      configPath: home.configFile,
      envPath: home.envFile,
      endpoint: e2e.sink.url,
    });

    const enable = await home.run(['telemetry', 'enable']);
    expect(enable.code).toBe(0);
    expect(enable.stdout).toContain(`${home.envFile}: removed DISABLE_TELEMETRY`);
    expect(readFileSync(home.envFile, 'utf8')).toBe(ENV_TEXT);
    expect(home.readConfig()).toEqual({
      theme: 'dark',
      nested: { a: 1 },
      telemetryMode: 'on',
      telemetryChoice: 'enabled',
      noticeVersion: elmoCatalog.consentVersion,
    });
    expect(await statusJson()).toMatchObject({
      enabled: true,
      source: 'user-config',
      reason: 'enabled: you chose to share anonymous telemetry',
    });

    // Only the user config is left to disable it: the precedence shows in the source.
    writeFileSync(home.envFile, ENV_TEXT);
    home.writeConfig({ telemetryDisabled: true });
    expect(await statusJson()).toMatchObject({ enabled: false, source: 'user-config' });
    await expectInert(e2e);
  });

  it('disable and enable keep the mode of the .env and the user config, and as root their owner', async () => {
    const { home } = e2e;
    mkdirSync(home.deployDir, { recursive: true });
    writeFileSync(home.envFile, ENV_TEXT);
    home.writeConfig({ theme: 'dark' });
    chmodSync(home.envFile, 0o644);
    chmodSync(home.configFile, 0o644);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chownSync(home.envFile, 4321, 4321);
    const kept = (path: string, uid: number) => {
      const stats = statSync(path);
      expect(stats.mode & 0o7777).toBe(0o644);
      if (asRoot) expect([stats.uid, stats.gid]).toEqual([uid, uid]);
    };

    for (const command of ['disable', 'enable']) {
      expect((await home.run(['telemetry', command])).code).toBe(0);
      kept(home.envFile, 4321);
      kept(home.configFile, 0);
    }
    expect(readFileSync(home.envFile, 'utf8')).toBe(ENV_TEXT);
    expect(home.readConfig()).toMatchObject({ theme: 'dark', telemetryChoice: 'enabled' });
  });

  it('without a deployment only the user config is written; text status masks both ids', async () => {
    const { home } = e2e;
    const disable = await home.run(['telemetry', 'disable']);
    expect(disable.stdout).toContain(`${home.envFile}: no deployment there, nothing to change`);
    const enable = await home.run(['telemetry', 'enable']);
    expect(enable.code).toBe(0);
    home.writeConfig({ installId: '0b4a3f0e-7c1d-4e7a-9a59-3a1f2b6c7d8e', telemetryChoice: 'enabled' });
    mkdirSync(home.deployDir, { recursive: true });
    writeFileSync(home.envFile, ENV_TEXT);
    const text = await home.run(['telemetry', 'status']);
    expect(text.stdout).toContain('install id:     0b4a3f0e…');
    expect(text.stdout).toContain('deployment id:  3f1c6a3e…');
    expect(text.stdout).not.toContain('7c1d-4e7a');
    expect(text.stdout).toContain(home.configFile);
    expect(text.stdout).toContain(`PostHog at ${e2e.sink.url}`);
    expect(text.stdout).toContain('elmo telemetry disable');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(e2e.sink.requests).toEqual([]);
  });

  it('refuses to overwrite a corrupt config or .env, naming the file and the fix', async () => {
    const { home } = e2e;
    home.writeConfig('{"telemetryDisabled": tru');
    const run = await home.run(['telemetry', 'disable']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(home.configFile);
    expect(run.stderr).toContain('Fix or delete it');
    expect(readFileSync(home.configFile, 'utf8')).toBe('{"telemetryDisabled": tru');

    home.writeConfig({});
    mkdirSync(home.deployDir, { recursive: true });
    writeFileSync(home.envFile, Buffer.from([0x41, 0x00, 0x42]));
    const env = await home.run(['telemetry', 'enable']);
    expect(env.code).toBe(1);
    expect(env.stderr).toContain(home.envFile);
    expect(home.readConfig()).toEqual({});
  });

  it('log prints the latest events and reset-id replaces the install id', async () => {
    const { sink, home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    await home.run(['status']);
    await home.run(['start']);
    await sink.waitForEvents(2);
    await home.waitForSenders();
    const log = await home.run(['telemetry', 'log', '-n', '1']);
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(/sent\s+cli_command/);
    expect(log.stdout.trim().split('\n')).toHaveLength(2);
    const bad = await home.run(['telemetry', 'log', '-n', 'x']);
    expect(bad.code).toBe(2);

    const before = home.readConfig()?.installId as string;
    const reset = await home.run(['telemetry', 'reset-id']);
    expect(reset.code).toBe(0);
    const after = home.readConfig()?.installId as string;
    expect(after).not.toBe(before);
    expect(reset.stdout).toContain(`New install id: ${after.slice(0, 8)}…`);
    expect(sink.events).toHaveLength(2);
  });
});
