import { existsSync, readFileSync } from 'node:fs';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

// Properties that would link a signup to telemetry; none may ride on a signup sent while telemetry is off.
const TELEMETRY_PROPERTIES = [
  'session_id',
  'product_version',
  'event_version',
  'os',
  'arch',
  'node_version',
  'source_app',
  'deployment_mode',
  'install_id',
  'deployment_id',
];

describe('newsletter signup (the one explicit exception)', () => {
  const e2e = useE2E();

  it('telemetry enabled: keyed by the install id, linked to the CLI events', async () => {
    const { sink, home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    const run = await home.run(['init', '--yes', '--telemetry', '--email', 'alice@example.com']);
    expect(run.code).toBe(0);
    const events = await sink.waitForEvents(3);
    const installId = home.readConfig()?.installId;
    expect(events.map((e) => e.event).sort()).toEqual(['cli_command', 'cli_init', 'newsletter_signup']);
    for (const event of events) expect(event.distinctId).toBe(installId);
    const signup = events.find((e) => e.event === 'newsletter_signup');
    expect(signup?.properties).toMatchObject({ source: 'cli_init', $set: { email: 'alice@example.com' } });
    expect(signup?.properties.session_id).toBe(events.find((e) => e.event === 'cli_init')?.properties.session_id);
    const init = events.find((e) => e.event === 'cli_init');
    expect(init?.properties).toMatchObject({
      database_mode: 'embedded',
      telemetry_answered: true,
      newsletter_answered: true,
      deployment_existed: false,
      is_interactive: false,
    });
    await home.waitForSenders();
  });

  it('telemetry disabled: keyed by the email, with no telemetry property, and nothing else is sent', async () => {
    const { sink, home } = e2e;
    const run = await home.run(['init', '--yes', '--no-telemetry', '--email', 'bob@example.com']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('sign-up for bob@example.com queued');
    const [signup] = await sink.waitForEvents(1);
    await home.waitForSenders();
    expect(sink.events).toHaveLength(1);
    expect(signup?.event).toBe('newsletter_signup');
    expect(signup?.distinctId).toBe('bob@example.com');
    expect(signup?.properties).toMatchObject({ source: 'cli_init', $set: { email: 'bob@example.com' } });
    for (const name of TELEMETRY_PROPERTIES) expect(signup?.properties, name).not.toHaveProperty(name);
    const config = home.readConfig();
    expect(config?.installId).toBeUndefined();
    expect(config).toMatchObject({ telemetryDisabled: true, telemetryChoice: 'disabled' });
    const deploymentId = /DEPLOYMENT_ID=(.+)/.exec(
      await import('node:fs').then((fs) => fs.readFileSync(home.envFile, 'utf8')),
    )?.[1];
    expect(deploymentId).toBeTruthy();
    expect(sink.rawBytes().includes(deploymentId as string)).toBe(false);
    // Everything that leaves is in the transparency log (SPEC §7), an explicit submission too: only it, as sent.
    const logged = readFileSync(home.logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(logged.filter((e) => e.status === 'sent').map((e) => e.uuid)).toEqual([signup?.uuid]);
    expect(logged.map((e) => e.event)).toEqual(logged.map(() => 'newsletter_signup'));
  });

  it('an invalid --email exits 2 with one line, before anything is written', async () => {
    const { sink, home } = e2e;
    const run = await home.run(['init', '--yes', '--email', 'not-an-email']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('not a valid email address');
    expect(existsSync(home.envFile)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sink.requests).toEqual([]);
  });
});
