import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { expectInert, useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

// SPEC §2–§3: the three modes and the machine policy, against the built `elmo`, real temp folders and the
// loopback sink. Every run gets the test home's clean environment plus a policy path of the test's own (a
// missing file means no policy), never the machine's /etc/elmo/telemetry.json.

const ENV_TEXT = `# my deployment
DEPLOYMENT_ID=3f1c6a3e-8a51-4c55-9f5e-0a0c6f0b8d11
OTHER=value # inline
`;

interface LoggedEntry {
  uuid: string;
  event: string;
  status: string;
  reason?: string;
  properties?: Record<string, unknown>;
}

describe('local mode and the machine policy', () => {
  const e2e = useE2E();
  const policyFile = () => join(e2e.home.root, 'policy', 'telemetry.json');
  const run = (args: string[]) => e2e.home.run(args, { extraEnv: { ELMO_TELEMETRY_POLICY: policyFile() } });
  const writePolicy = (text: string) => {
    mkdirSync(join(e2e.home.root, 'policy'), { recursive: true });
    writeFileSync(policyFile(), text);
  };
  const statusJson = async () => {
    const status = await run(['telemetry', 'status', '--json']);
    expect(status.code).toBe(0);
    return JSON.parse(status.stdout) as Record<string, unknown>;
  };
  const logged = async (): Promise<LoggedEntry[]> => {
    const log = await run(['telemetry', 'log', '--json', '-n', '50']);
    expect(log.code).toBe(0);
    // JSON Lines: one entry per line.
    return log.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LoggedEntry);
  };
  // Nothing left this machine: no request at the sink (after a grace period), no spool, no sender, no id.
  const expectNothingLeft = async () => {
    const { home, sink } = e2e;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.requests, 'no request reached the sink').toEqual([]);
    expect(existsSync(home.spoolFile), 'no spool').toBe(false);
    expect(existsSync(home.explicitSpoolFile), 'no explicit spool').toBe(false);
    expect(existsSync(home.senderPidFile), 'no sender pid file').toBe(false);
    expect(home.senders(), 'no detached sender').toEqual([]);
    expect(home.readConfig()?.installId, 'no install id').toBeUndefined();
  };

  it('`elmo telemetry local` writes both files, logs every tracked command as local and sends nothing; enable sends again', async () => {
    const { home, sink } = e2e;
    mkdirSync(home.deployDir, { recursive: true });
    writeFileSync(home.envFile, ENV_TEXT);
    home.writeConfig({ theme: 'dark' });

    const local = await run(['telemetry', 'local']);
    expect(local.code).toBe(0);
    expect(local.stderr).toBe('');
    expect(local.stdout).toContain('Telemetry set to local');
    expect(local.stdout).toContain(`${home.configFile}: telemetryDisabled: true, telemetryMode: "local"`);
    expect(local.stdout).toContain(`${home.envFile}: TELEMETRY_MODE=local`);
    expect(readFileSync(home.envFile, 'utf8')).toBe(`${ENV_TEXT}TELEMETRY_MODE=local\n`);
    expect(home.readConfig()).toEqual({
      theme: 'dark',
      telemetryDisabled: true,
      telemetryMode: 'local',
      telemetryChoice: 'local',
      noticeVersion: elmoCatalog.consentVersion,
    });
    expect(await statusJson()).toMatchObject({
      enabled: false,
      mode: 'local',
      source: 'deployment-env',
      reason: `set to local only (nothing is sent) by TELEMETRY_MODE in ${home.envFile}`,
    });
    const text = await run(['telemetry', 'status']);
    expect(text.stdout).toContain('Telemetry: local only');
    expect(text.stdout).toContain(
      `why:            set to local only (nothing is sent) by TELEMETRY_MODE in ${home.envFile}`,
    );

    for (const args of [['status'], ['st'], ['status', '--json']]) expect((await run(args)).code).toBe(0);
    const entries = await logged();
    expect(entries.map((e) => [e.event, e.status])).toEqual([
      ['cli_command', 'local'],
      ['cli_command', 'local'],
      ['cli_command', 'local'],
    ]);
    // Built exactly as for `on`: sanitised properties, common properties and the event's version.
    expect(entries[0]?.properties).toMatchObject({
      command: 'status',
      status: 'success',
      source: 'cli',
      event_version: elmoCatalog.events.cli_command.version,
    });
    expect(new Set(entries.map((e) => e.uuid)).size).toBe(3);
    const printed = await run(['telemetry', 'log', '-n', '1']);
    expect(printed.stdout).toMatch(/ local +cli_command/);
    await expectNothingLeft();

    // The control: the same home and sink deliver once telemetry is on again.
    const enable = await run(['telemetry', 'enable']);
    expect(enable.stdout).toContain(`${home.envFile}: removed TELEMETRY_MODE`);
    expect(readFileSync(home.envFile, 'utf8')).toBe(ENV_TEXT);
    expect((await run(['status'])).code).toBe(0);
    const [sent] = await sink.waitForEvents(1, { timeoutMs: 15_000 });
    expect(sent?.event).toBe('cli_command');
    await home.waitForSenders();
  });

  it('`.env` TELEMETRY_MODE=local alone: every tracked command logged as local, nothing sent, no id created', async () => {
    const { home } = e2e;
    mkdirSync(home.deployDir, { recursive: true });
    writeFileSync(home.envFile, `${ENV_TEXT}TELEMETRY_MODE=local\n`);
    expect((await run(['status'])).code).toBe(0);
    expect((await run(['status'])).code).toBe(0);
    expect((await logged()).map((e) => [e.event, e.status])).toEqual([
      ['cli_command', 'local'],
      ['cli_command', 'local'],
    ]);
    expect(await statusJson()).toMatchObject({ mode: 'local', source: 'deployment-env', installId: null });
    await expectNothingLeft();
  });

  it('`telemetry local --help` explains the command with examples', async () => {
    const help = await run(['telemetry', 'local', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Record events in the local log only');
    expect(help.stdout).toContain('$ elmo telemetry local');
    const parent = await run(['telemetry', '--help']);
    expect(parent.stdout).toMatch(/local .*Record events in the local log only/);
  });

  it('policy { "maximum": "off" } beats `elmo telemetry enable`: nothing sent or recorded, status names the file', async () => {
    writePolicy('{ "maximum": "off" }\n');
    const enable = await run(['telemetry', 'enable']);
    expect(enable.code).toBe(0);
    expect(enable.stdout).toContain(`Telemetry is still off: disabled by the machine policy ${policyFile()}.`);
    expect((await run(['status'])).code).toBe(0);
    expect(await statusJson()).toMatchObject({
      enabled: false,
      mode: 'off',
      source: 'policy',
      reason: `disabled by the machine policy ${policyFile()}`,
      lockedBy: { kind: 'policy', file: policyFile() },
    });
    const text = await run(['telemetry', 'status']);
    expect(text.stdout).toContain(`locked by:      the machine policy ${policyFile()}`);
    // The config holds the person's choice (enabled), and nothing else: no id, no log, no spool.
    expect(e2e.home.readConfig()).toMatchObject({ telemetryMode: 'on', telemetryChoice: 'enabled' });
    await expectInert(e2e);
  });

  it('policy { "maximum": "local" } caps an enabled user at local: events logged local, nothing sent', async () => {
    writePolicy('{ "maximum": "local" }\n');
    const enable = await run(['telemetry', 'enable']);
    expect(enable.code).toBe(0);
    expect((await run(['status'])).code).toBe(0);
    expect(await statusJson()).toMatchObject({
      enabled: false,
      mode: 'local',
      source: 'policy',
      reason: `set to local only (nothing is sent) by the machine policy ${policyFile()}`,
    });
    expect((await logged()).map((e) => [e.event, e.status])).toEqual([['cli_command', 'local']]);
    // A person's `telemetry local` under a policy of local stays local.
    expect((await run(['telemetry', 'local'])).stdout).toContain('elmo telemetry log');
    await expectNothingLeft();
  });

  it.each([
    ['is not JSON', '{ "maximum": '],
    ['has no valid maximum', '{ "maximum": "sometimes" }'],
  ])('a policy file that %s counts as off, and the reason names it', async (_what, text) => {
    writePolicy(text);
    expect((await run(['telemetry', 'enable'])).code).toBe(0);
    expect((await run(['status'])).code).toBe(0);
    const status = await statusJson();
    expect(status).toMatchObject({ enabled: false, mode: 'off', source: 'policy' });
    expect(status.reason).toContain(policyFile());
    await expectInert(e2e);
  });
});
