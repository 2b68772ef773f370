import { existsSync, readFileSync } from 'node:fs';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

describe('preview, trace and no destination', () => {
  const e2e = useE2E();

  /** `elmo status --json` after the notice, with `extraEnv`: whatever telemetry logs, stdout is the status alone. */
  async function statusWith(extraEnv: Record<string, string>) {
    e2e.home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    const run = await e2e.home.run(['status', '--json'], { extraEnv });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ exists: false });
    return run;
  }

  it('ELMO_TELEMETRY_DEBUG=1 prints each event as JSON on stderr and sends nothing', async () => {
    const { sink, home } = e2e;
    const run = await statusWith({ ELMO_TELEMETRY_DEBUG: '1' });
    const previewed = run.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { preview: string; event: string; properties: Record<string, unknown> });
    expect(previewed).toHaveLength(1);
    expect(previewed[0]).toMatchObject({
      preview: 'not sent',
      event: 'cli_command',
      properties: { command: 'status' },
    });
    expect(existsSync(home.spoolFile)).toBe(false);
    expect(home.senders()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sink.requests).toEqual([]);
  });

  it('LOG_LEVEL=trace logs queue activity on stderr and leaves stdout and the exit code alone', async () => {
    const { sink, home } = e2e;
    const run = await statusWith({ LOG_LEVEL: 'trace' });
    expect(run.stderr).toContain('[telemetry] telemetry: enqueued');
    await sink.waitForEvents(1);
    await home.waitForSenders();
  });

  it('without ELMO_POSTHOG_KEY nothing leaves the machine: the event is only in the local log', async () => {
    const { sink, home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    const env = home.env();
    delete env.ELMO_POSTHOG_KEY;
    const run = await home.run(['status'], { env });
    expect(run.code).toBe(0);
    expect(existsSync(home.spoolFile)).toBe(false);
    expect(home.senders()).toEqual([]);
    expect(readFileSync(home.logFile, 'utf8')).toContain('"status":"local-only"');
    const status = await home.run(['telemetry', 'status'], { env });
    expect(status.stdout).toContain('nowhere: no ELMO_POSTHOG_KEY is set');
    const log = await home.run(['telemetry', 'log'], { env });
    expect(log.stdout).toMatch(/local-only\s+cli_command/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sink.requests).toEqual([]);
  });
});
