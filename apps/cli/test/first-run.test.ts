import { existsSync } from 'node:fs';
import { elmoCatalog, firstRunNotice } from '@elmo/elmo-telemetry';
import { expectInert, useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

const NOTICE_START = firstRunNotice(elmoCatalog).split('\n')[0] as string;

describe('first run', () => {
  const e2e = useE2E();

  it('prints the notice on stderr and sends nothing; the next run sends cli_command keyed by the install id', async () => {
    const { sink, home } = e2e;
    const first = await home.run(['status']);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(NOTICE_START);
    expect(first.stdout).not.toContain(NOTICE_START);
    await expectInert(e2e);
    expect(home.readConfig()).toEqual({ noticeVersion: elmoCatalog.consentVersion });

    const second = await home.run(['status']);
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
    const [event] = await sink.waitForEvents(1);
    const installId = home.readConfig()?.installId;
    expect(installId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event?.event).toBe('cli_command');
    expect(event?.distinctId).toBe(installId);
    expect(event?.properties).toMatchObject({
      command: 'status',
      status: 'success',
      source: 'cli',
      flags: [],
      is_ci: false,
      is_interactive: false,
      product_version: '0.1.0',
    });
    await home.waitForSenders();
    expect(existsSync(home.spoolFile)).toBe(false);
  });

  it('keeps --json stdout parseable on the first run: the notice goes to stderr only', async () => {
    const { home } = e2e;
    const status = await home.run(['status', '--json']);
    expect(status.code).toBe(0);
    expect(status.stderr).toContain(NOTICE_START);
    expect(JSON.parse(status.stdout)).toMatchObject({ exists: false, telemetry: { enabled: true } });

    const telemetry = await home.run(['telemetry', 'status', '--json']);
    expect(telemetry.code).toBe(0);
    expect(JSON.parse(telemetry.stdout)).toMatchObject({ enabled: true, source: 'default', installId: null });
    await expectInert(e2e);
  });

  it('shows the notice again once when the consent version was raised', async () => {
    const { sink, home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion - 1, keep: 'me' });
    const run = await home.run(['status']);
    expect(run.stderr).toContain(NOTICE_START);
    expect(home.readConfig()).toEqual({ noticeVersion: elmoCatalog.consentVersion, keep: 'me' });
    const again = await home.run(['status']);
    expect(again.stderr).not.toContain(NOTICE_START);
    await sink.waitForEvents(1);
    await home.waitForSenders();
  });
});
