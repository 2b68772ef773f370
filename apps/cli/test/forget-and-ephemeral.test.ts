import { readFileSync } from 'node:fs';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { expectInert, useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

// Properties that could link an event to others (SPEC §4, §6).
const LINKING = ['session_id', 'product_version', 'event_version', 'os', 'arch', 'node_version', 'deployment_mode'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const EPHEMERAL = { ELMO_TELEMETRY_ID: 'ephemeral' };

describe('ephemeral identity (ELMO_TELEMETRY_ID=ephemeral)', () => {
  const e2e = useE2E({ waitForSenders: true });

  it('gives every event a different distinct_id and no session_id, and stores no install id', async () => {
    const { sink, home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    expect((await home.run(['init', '--yes', '--telemetry'], { extraEnv: EPHEMERAL })).code).toBe(0);
    await home.waitForSenders();
    for (const args of [['status'], ['status', '--json'], ['start', '--port', 'x']]) {
      await home.run(args, { extraEnv: EPHEMERAL });
      await home.waitForSenders();
    }
    const events = await sink.waitForEvents(5);
    expect(events.map((e) => e.event).sort()).toEqual([
      'cli_command',
      'cli_command',
      'cli_command',
      'cli_command',
      'cli_init',
    ]);
    const ids = events.map((e) => e.distinctId);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(events.length);
    for (const event of events) expect(event.properties, event.event).not.toHaveProperty('session_id');
    expect(home.readConfig()).not.toHaveProperty('installId');
    const deploymentId = /DEPLOYMENT_ID=(.+)/.exec(readFileSync(home.envFile, 'utf8'))?.[1] as string;
    expect(sink.rawBytes().includes(deploymentId)).toBe(false);

    const status = await home.run(['telemetry', 'status', '--json'], { extraEnv: EPHEMERAL });
    expect(JSON.parse(status.stdout)).toMatchObject({ enabled: true, identity: 'ephemeral', installId: null });
    const text = await home.run(['telemetry', 'status'], { extraEnv: EPHEMERAL });
    expect(text.stdout).toMatch(/identity: +ephemeral/);
  });
});

describe('elmo telemetry disable --forget', () => {
  const e2e = useE2E({ waitForSenders: true });

  it('sends exactly one deletion_request per old id, keyed by it and carrying nothing else, then nothing more', async () => {
    const { sink, home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    expect((await home.run(['init', '--yes', '--telemetry'])).code).toBe(0);
    await sink.waitForEvents(2);
    await home.waitForSenders();
    const oldInstallId = home.readConfig()?.installId as string;
    const oldDeploymentId = /DEPLOYMENT_ID=(.+)/.exec(readFileSync(home.envFile, 'utf8'))?.[1] as string;
    expect(oldInstallId).toMatch(UUID);
    expect(oldDeploymentId).toMatch(UUID);
    expect(sink.events.map((e) => e.distinctId)).toEqual([oldInstallId, oldInstallId]);

    const forget = await home.run(['telemetry', 'disable', '--forget']);
    expect(forget.code).toBe(0);
    expect(forget.stderr).toBe('');
    expect(forget.stdout).toContain('Telemetry disabled');
    expect(forget.stdout).toContain(`install id ${oldInstallId.slice(0, 8)}…: deletion request queued`);
    expect(forget.stdout).toContain(`deployment id ${oldDeploymentId.slice(0, 8)}…: deletion request queued`);
    await sink.waitForEvents(4);
    await home.waitForSenders();

    // More commands, and the deployment's own commands: nothing of them leaves while telemetry is off.
    for (const args of [['status'], ['telemetry', 'status'], ['start', '--port', 'x']]) {
      await home.run(args);
      await home.waitForSenders();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));

    const after = sink.events.slice(2);
    expect(after.map((e) => e.event)).toEqual(['deletion_request', 'deletion_request']);
    expect(after.map((e) => e.distinctId).sort()).toEqual([oldInstallId, oldDeploymentId].sort());
    for (const request of after) {
      for (const name of LINKING) expect(request.properties, name).not.toHaveProperty(name);
      expect(request.properties).not.toHaveProperty('$set');
    }
    expect(home.readConfig()).not.toHaveProperty('installId');
    const env = readFileSync(home.envFile, 'utf8');
    const newDeploymentId = /DEPLOYMENT_ID=(.+)/.exec(env)?.[1] as string;
    expect(newDeploymentId).toMatch(UUID);
    expect(newDeploymentId).not.toBe(oldDeploymentId);
    expect(env).toContain('DISABLE_TELEMETRY=1\n');

    // The local log shows both requests as sent.
    const log = await home.run(['telemetry', 'log', '--json', '--since', '1h']);
    const entries = log.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; status: string });
    expect(entries.filter((e) => e.event === 'deletion_request').map((e) => e.status)).toEqual(['sent', 'sent']);

    // Turned on again, the CLI makes a new install id: nothing later links to the forgotten ones.
    expect((await home.run(['telemetry', 'enable'])).code).toBe(0);
    expect((await home.run(['status'])).code).toBe(0);
    await sink.waitForEvents(5);
    await home.waitForSenders();
    const newInstallId = home.readConfig()?.installId as string;
    expect(newInstallId).toMatch(UUID);
    expect(newInstallId).not.toBe(oldInstallId);
    const later = sink.events.slice(4);
    expect(later.map((e) => [e.event, e.distinctId])).toEqual([['cli_command', newInstallId]]);
    expect(JSON.stringify(later)).not.toContain(oldInstallId);
    expect(JSON.stringify(later)).not.toContain(oldDeploymentId);
  });

  it('with no id to forget it sends nothing and stays inert', async () => {
    const { home } = e2e;
    const forget = await home.run(['telemetry', 'disable', '--forget']);
    expect(forget.code).toBe(0);
    expect(forget.stdout).toContain('install id: none to forget');
    await expectInert(e2e);
  });

  it('is only an option of disable, and its help has an example', async () => {
    const { home } = e2e;
    const enable = await home.run(['telemetry', 'enable', '--forget']);
    expect(enable.code).toBe(2);
    const help = await home.run(['telemetry', 'disable', '--help']);
    expect(help.stdout).toContain('--forget');
    expect(help.stdout).toContain('$ elmo telemetry disable --forget');
  });
});

describe('elmo telemetry log --json --since', () => {
  const e2e = useE2E({ waitForSenders: true });

  it('prints JSON Lines as stored, filters by --since, and refuses a bad --since with exit 2', async () => {
    const { sink, home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    await home.run(['status']);
    await sink.waitForEvents(1);
    await home.waitForSenders();
    await home.run(['status']);
    await sink.waitForEvents(2);
    await home.waitForSenders();

    const all = await home.run(['telemetry', 'log', '--json']);
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((e) => [e.event, e.status])).toEqual([
      ['cli_command', 'sent'],
      ['cli_command', 'sent'],
    ]);
    expect(entries.map((e) => e.uuid)).toEqual(sink.events.map((e) => e.uuid));

    expect((await home.run(['telemetry', 'log', '--json', '--since', '10m'])).stdout).toBe(all.stdout);
    expect((await home.run(['telemetry', 'log', '--json', '--since', '10m', '-n', '1'])).stdout).toBe(`${lines[1]}\n`);
    expect((await home.run(['telemetry', 'log', '--json', '--since', '2099-01-01'])).stdout).toBe('');
    const none = await home.run(['telemetry', 'log', '--since', '2099-01-01T00:00Z']);
    expect(none.stdout).toContain('No telemetry events recorded since 2099-01-01T00:00:00.000Z');
    const text = await home.run(['telemetry', 'log', '--since', '1d']);
    expect(text.stdout.trim().split('\n')).toHaveLength(3);

    const bad = await home.run(['telemetry', 'log', '--since', 'last tuesday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('--since must be a duration like 30m, 24h or 7d');
    const help = await home.run(['telemetry', 'log', '--help']);
    expect(help.stdout).toContain('$ elmo telemetry log --since 24h');
  });
});
