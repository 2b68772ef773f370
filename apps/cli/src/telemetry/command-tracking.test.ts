import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNoticeSeenDeps, runInProcess, type TestDeps, writeUserConfig } from '../testing/test-deps.js';

describe('cli_command through commander hooks', () => {
  let deps: TestDeps;
  beforeEach(() => {
    deps = createNoticeSeenDeps();
  });
  afterEach(() => deps.cleanup());

  const only = async (argv: string[]) => {
    const result = await runInProcess(deps, argv);
    expect(result.sender.events).toHaveLength(1);
    return { ...result, event: result.sender.events[0] as NonNullable<(typeof result.sender.events)[0]> };
  };

  it('a successful command: command, status, duration, flags by name, interactive and CI', async () => {
    const { event } = await only(['status', '--json', '--dir', '/home/alice/secret']);
    expect(event.event).toBe('cli_command');
    expect(event.properties).toMatchObject({
      command: 'status',
      status: 'success',
      flags: ['dir', 'json'],
      is_interactive: false,
      is_ci: false,
      source: 'cli',
    });
    expect(event.properties.duration_ms).toBeGreaterThan(0);
    expect(JSON.stringify(event)).not.toContain('alice');
  });

  it('an alias is reported as called_as, the command by its name', async () => {
    const { event } = await only(['st']);
    expect(event.properties).toMatchObject({ command: 'status', called_as: 'st' });
    const up = await only(['up', '--port=99999']);
    expect(up.event.properties).toMatchObject({
      command: 'start',
      called_as: 'up',
      status: 'invalid',
      error_code: 'invalid_port',
      flags: ['port'],
    });
  });

  it('failures carry the CliError code; unknown commands are `unknown`/invalid', async () => {
    const failed = await only(['start']);
    expect(failed.event.properties).toMatchObject({ status: 'failure', error_code: 'no_deployment' });
    const unknown = await only(['deploy', '--force', '-x', 'secret']);
    expect(unknown.event.properties).toMatchObject({
      command: 'unknown',
      status: 'invalid',
      error_code: 'unknown_command',
      flags: [],
    });
    const badOption = await only(['init', '--token=abc', '-y']);
    expect(badOption.event.properties).toMatchObject({
      command: 'init',
      status: 'invalid',
      error_code: 'usage',
      flags: ['yes'],
    });
  });

  it('telemetry commands, help and version are never tracked', async () => {
    for (const argv of [
      ['telemetry', 'status'],
      ['telemetry', 'log'],
      ['telemetry', 'bogus'],
      ['--help'],
      ['init', '--help'],
      ['-V'],
      [],
    ]) {
      const result = await runInProcess(deps, argv);
      expect(result.sender.events, argv.join(' ')).toEqual([]);
    }
  });

  it('first run: a successful command shows the notice and sends nothing; a failed one stays one line and sends nothing', async () => {
    writeUserConfig(deps, {});
    const failed = await runInProcess(deps, ['init', '--email', 'nope']);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed.sender.events).toEqual([]);
    const ok = await runInProcess(deps, ['init', '--yes']);
    expect(ok.stderr).toContain('Elmo collects anonymous usage data');
    expect(ok.sender.events).toEqual([]);
    const next = await runInProcess(deps, ['status']);
    expect(next.sender.events.map((e) => e.event)).toEqual(['cli_command']);
  });

  it('disabled: nothing is tracked and no state folder is created', async () => {
    const result = await runInProcess({ ...deps, env: { ...deps.env, DO_NOT_TRACK: 'yes' } }, ['status']);
    expect(result.sender.events).toEqual([]);
    expect(existsSync(join(deps.homedir, '.local', 'state'))).toBe(false);
  });
});
