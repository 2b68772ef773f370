import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { cliPaths } from '@elmo/elmo-telemetry/node';
import type { ConsentDecision } from '@elmo/telemetry-core';
import { openSpool, readLocalLog } from '@elmo/telemetry-core/node';
import { useTempDir } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';
import { type CliRecorderOptions, createCliRecorder } from './recorder.js';

const ON: ConsentDecision = {
  enabled: true,
  mode: 'on',
  source: 'user-config',
  reason: 'enabled in the config',
  lockedBy: null,
};
const LOCAL: ConsentDecision = {
  enabled: false,
  mode: 'local',
  source: 'process-env',
  reason: 'local',
  lockedBy: null,
};
const COMMAND = { command: 'status', status: 'success', duration_ms: 12, is_interactive: false, is_ci: false };

describe('the CLI recorder of tracked events', () => {
  const temp = useTempDir('elmo-cli-recorder-');

  const setup = (options: Partial<CliRecorderOptions> = {}) => {
    const paths = cliPaths({ XDG_STATE_HOME: `${temp.path}/state`, XDG_CONFIG_HOME: `${temp.path}/config` }, temp.path);
    const printed: string[] = [];
    let identityAsked = 0;
    const recorder = createCliRecorder({
      deps: { productVersion: '0.1.0', uuid: randomUUID, stderr: (text) => printed.push(text), now: Date.now },
      paths,
      identity: () => {
        identityAsked += 1;
        return '6f1c7c9e-3f7e-4e0b-9f3a-1d2b3c4d5e6f';
      },
      hasDestination: () => true,
      preview: false,
      sessionId: randomUUID(),
      logger: { trace() {} },
      ...options,
    });
    const log = () => readLocalLog(paths.logFile).map((entry) => [entry.event, entry.status, entry.reason]);
    return { recorder, paths, printed, log, identityAsked: () => identityAsked };
  };

  it('appends what was tracked to the spool once, at exit, and logs it as queued', async () => {
    const { recorder, paths, log } = setup();
    recorder.track('cli_command', COMMAND, Date.now(), ON);
    expect(openSpool(paths.spoolFile).read()).toEqual([]);
    await recorder.finish(true);
    const [spooled] = openSpool(paths.spoolFile).read();
    expect(spooled).toMatchObject({ event: 'cli_command', properties: { command: 'status', source: 'cli' } });
    expect(spooled?.properties.session_id).toEqual(expect.any(String));
    expect(log()).toEqual([['cli_command', 'queued', undefined]]);
  });

  it('drops what was tracked when consent was withdrawn before exit, and spools nothing', async () => {
    const { recorder, paths, log } = setup();
    recorder.track('cli_command', COMMAND, Date.now(), ON);
    await recorder.finish(false);
    expect(openSpool(paths.spoolFile).read()).toEqual([]);
    expect(log()).toEqual([['cli_command', 'dropped', 'consent withdrawn']]);
  });

  it('keeps a local-only event in the local log, without asking for an identity', async () => {
    const { recorder, paths, log, identityAsked } = setup();
    recorder.track('cli_command', COMMAND, Date.now(), LOCAL);
    await recorder.finish(false);
    expect(openSpool(paths.spoolFile).read()).toEqual([]);
    expect(log()).toEqual([['cli_command', 'local', undefined]]);
    expect(identityAsked()).toBe(0);
  });

  it('prints a previewed event and sends nothing', async () => {
    const { recorder, paths, printed, log } = setup({ preview: true });
    recorder.track('cli_command', COMMAND, Date.now(), ON);
    await recorder.finish(true);
    expect(openSpool(paths.spoolFile).read()).toEqual([]);
    expect(JSON.parse(printed.join(''))).toMatchObject({ preview: 'not sent', event: 'cli_command' });
    expect(log()).toEqual([['cli_command', 'preview', undefined]]);
  });

  it('keeps events in the local log only when no destination is configured', async () => {
    const { recorder, paths, log } = setup({ hasDestination: () => false });
    recorder.track('cli_command', COMMAND, Date.now(), ON);
    await recorder.finish(true);
    expect(openSpool(paths.spoolFile).read()).toEqual([]);
    expect(log()).toEqual([['cli_command', 'local-only', undefined]]);
  });

  it('never throws when the spool cannot be written: the event is logged as dropped, with why', async () => {
    const { recorder, paths, log } = setup();
    // A folder where the spool file should be: the append fails, the local log beside it does not.
    mkdirSync(paths.spoolFile, { recursive: true });
    recorder.track('cli_command', COMMAND, Date.now(), ON);
    await expect(recorder.finish(true)).resolves.toBeUndefined();
    expect(log()).toEqual([['cli_command', 'dropped', 'the spool could not be written']]);
  });

  it('drops an event the catalog does not allow to be tracked, and a property it does not declare', async () => {
    const { recorder, paths } = setup();
    recorder.track('newsletter_signup', {}, Date.now(), ON);
    recorder.track('cli_command', { ...COMMAND, email: 'a@example.com' }, Date.now(), ON);
    await recorder.finish(true);
    const events = openSpool(paths.spoolFile).read();
    expect(events.map((event) => event.event)).toEqual(['cli_command']);
    expect(JSON.stringify(events)).not.toContain('example.com');
  });
});
