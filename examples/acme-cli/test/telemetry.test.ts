import { existsSync, readFileSync } from 'node:fs';
import { type E2EContext, useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';
import { type AcmeHome, createAcmeHome } from './acme-home.js';

const NOTICE = 'acme collects anonymous usage data';

/** Nothing left the machine: no request reached the sink (a sender would have had time to start). */
async function expectNothingSent({ sink, home }: E2EContext<AcmeHome>): Promise<void> {
  await home.waitForSenders();
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(sink.requests, 'no request reached the sink').toEqual([]);
}

describe('acme, a second adopter of telemetry-core', () => {
  const e2e = useE2E({ home: createAcmeHome });

  it('first run: the notice goes to stderr, stdout stays clean, and nothing is sent in that run', async () => {
    const { home } = e2e;
    const run = await home.run(['hello']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Hello, world!\n');
    expect(run.stderr).toContain(NOTICE);
    expect(run.stderr).toContain('Nothing is sent during this run');
    expect(existsSync(home.spoolFile), 'no spool').toBe(false);
    // The notice is remembered by its version; no id is created in a run that sends nothing.
    expect(home.readConfig()).toEqual({ telemetryNoticeSeen: 1 });
    await expectNothingSent(e2e);
  });

  it('DO_NOT_TRACK=1: no notice, no spool, no config, nothing sent', async () => {
    const { home } = e2e;
    const run = await home.run(['hello'], { DO_NOT_TRACK: '1' });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(existsSync(home.stateDir), 'no state folder (no spool, no log)').toBe(false);
    expect(existsSync(home.configFile), 'no config written while disabled').toBe(false);
    await expectNothingSent(e2e);
    const status = await home.run(['telemetry', 'status'], { DO_NOT_TRACK: '1' });
    expect(status.stdout).toContain('disabled by the DO_NOT_TRACK environment variable');
  });

  it('`acme telemetry disable`: nothing is sent, and status names the config as the reason', async () => {
    const { home } = e2e;
    const disable = await home.run(['telemetry', 'disable']);
    expect(disable.code).toBe(0);
    expect(disable.stdout).toContain('Telemetry disabled.');
    expect(home.readConfig()).toMatchObject({ noTelemetry: true, telemetry: 'off', telemetryAnswer: 'disabled' });

    const hello = await home.run(['hello']);
    expect(hello.code).toBe(0);
    expect(hello.stderr, 'no notice after opting out').toBe('');
    expect(existsSync(home.spoolFile), 'no spool').toBe(false);
    await expectNothingSent(e2e);

    const status = await home.run(['telemetry', 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Telemetry: disabled');
    expect(status.stdout).toContain(`disabled by your choice in ${home.configFile}`);
    const json = JSON.parse((await home.run(['telemetry', 'status', '--json'])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ enabled: false, source: 'user-config', configPath: home.configFile });
  });

  it('after the notice run, `acme hello` is spooled and the detached sender delivers it exactly once', async () => {
    const { sink, home } = e2e;
    expect((await home.run(['hello'])).stderr).toContain(NOTICE);
    const run = await home.run(['hello', 'Ada']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Hello, Ada!\n');
    expect(run.stderr).toBe('');

    await sink.waitForEvents(1);
    await home.waitForSenders();
    expect(sink.events).toHaveLength(1);
    const [event] = sink.events;
    expect(event).toMatchObject({ event: 'acme_command', token: 'phc_acme_test' });
    expect(event?.distinctId).toBe(home.readConfig()?.anonymousId);
    expect(event?.properties).toMatchObject({ command: 'hello', event_version: 1, product_version: '0.1.0' });
    expect(event?.properties.duration_ms).toEqual(expect.any(Number));
    // The argument never leaves: the catalog has no property for it.
    expect(sink.rawBytes().includes('Ada')).toBe(false);
    // The run queued it in the spool and the sender sent it (the local log says both); delivered, it left the spool.
    const log = readFileSync(home.logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { uuid: string; status: string });
    expect(log.filter((entry) => entry.uuid === event?.uuid).map((entry) => entry.status)).toEqual(['queued', 'sent']);
    expect(existsSync(home.spoolFile)).toBe(false);
  });

  it('CI with no recorded choice: off, silently (no notice, nothing sent)', async () => {
    const { home } = e2e;
    const run = await home.run(['hello'], { CI: 'true' });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(existsSync(home.stateDir)).toBe(false);
    await expectNothingSent(e2e);
  });
});
