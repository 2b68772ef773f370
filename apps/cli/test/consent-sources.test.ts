import { mkdirSync, writeFileSync } from 'node:fs';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { expectInert, useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

// Past the first-run notice, so that only the source under test could stop an event.
const NOTICE_SEEN = { noticeVersion: elmoCatalog.consentVersion };

describe('each disable source alone keeps the CLI inert', () => {
  const e2e = useE2E();

  const cases: {
    name: string;
    extraEnv?: Record<string, string>;
    envFile?: string;
    config?: object;
    source: string;
  }[] = [
    { name: 'DO_NOT_TRACK=1', extraEnv: { DO_NOT_TRACK: '1' }, source: 'process-env' },
    { name: 'DISABLE_TELEMETRY=1', extraEnv: { DISABLE_TELEMETRY: '1' }, source: 'process-env' },
    {
      name: 'DISABLE_TELEMETRY=1 in the deployment .env',
      envFile: 'DEPLOYMENT_ID=x\nDISABLE_TELEMETRY=1\n',
      source: 'deployment-env',
    },
    { name: 'telemetryDisabled: true in the user config', config: { telemetryDisabled: true }, source: 'user-config' },
  ];

  for (const { name, extraEnv, envFile, config, source } of cases) {
    it(`${name}: no request, no spool, no sender, no install id`, async () => {
      const { home } = e2e;
      home.writeConfig({ ...NOTICE_SEEN, ...config });
      if (envFile) {
        mkdirSync(home.deployDir, { recursive: true });
        writeFileSync(home.envFile, envFile);
      }
      for (const args of [['status'], ['start'], ['bogus', '--token=x']]) {
        const run = await home.run(args, { extraEnv });
        expect(run.stderr).not.toContain('collects anonymous usage data');
      }
      await expectInert(e2e);
      expect(home.readConfig()).toEqual({ ...NOTICE_SEEN, ...config });
      const status = await home.run(['telemetry', 'status', '--json'], { extraEnv });
      expect(JSON.parse(status.stdout)).toMatchObject({ enabled: false, source });
    });
  }

  it('DISABLE_TELEMETRY=0 (and DO_NOT_TRACK=false) stay enabled', async () => {
    const { sink, home } = e2e;
    home.writeConfig(NOTICE_SEEN);
    const extraEnv = { DISABLE_TELEMETRY: '0', DO_NOT_TRACK: 'false' };
    const run = await home.run(['status'], { extraEnv });
    expect(run.code).toBe(0);
    const [event] = await sink.waitForEvents(1);
    expect(event?.properties.command).toBe('status');
    await home.waitForSenders();
  });
});

describe('CI', () => {
  const e2e = useE2E();

  it('CI=true without recorded consent: no notice, nothing sent, nothing written', async () => {
    const { home } = e2e;
    const run = await home.run(['status'], { extraEnv: { CI: 'true' } });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    await expectInert(e2e);
    expect(home.readConfig()).toBeUndefined();
    const status = await home.run(['telemetry', 'status', '--json'], { extraEnv: { CI: 'true' } });
    expect(JSON.parse(status.stdout)).toMatchObject({ enabled: false, source: 'ci' });
  });

  it('CI=true after `telemetry enable`: events are sent', async () => {
    const { sink, home } = e2e;
    const enable = await home.run(['telemetry', 'enable'], { extraEnv: { CI: 'true' } });
    expect(enable.code).toBe(0);
    expect(home.readConfig()).toMatchObject({ telemetryChoice: 'enabled' });
    const run = await home.run(['status'], { extraEnv: { CI: 'true' } });
    expect(run.stderr).toBe('');
    const [event] = await sink.waitForEvents(1);
    expect(event?.properties).toMatchObject({ command: 'status', is_ci: true });
    await home.waitForSenders();
  });
});
