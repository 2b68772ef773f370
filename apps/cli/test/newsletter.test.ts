import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe('a signup the endpoint never accepts is retried within bounds, then dropped (SPEC §6)', () => {
  const e2e = useE2E('status:500');
  const extraEnv = { ELMO_TELEMETRY_SENDER_CAP_MS: '2000' };
  const DAY_MS = 24 * 60 * 60 * 1000;

  const explicitStatus = async () => {
    const run = await e2e.home.run(['telemetry', 'status', '--json']);
    expect(run.code).toBe(0);
    return (JSON.parse(run.stdout) as { explicit: { pending: number; dropped: number } }).explicit;
  };
  const spooled = () =>
    readFileSync(e2e.home.explicitSpoolFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const dropsLogged = () =>
    readFileSync(e2e.home.logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { uuid: string; status: string; reason?: string })
      .filter((entry) => entry.status === 'dropped');

  it('counts attempts, drops it after the 20th, logs and shows the drop, and starts no sender for an expired one', async () => {
    const { sink, home } = e2e;
    // The sender inherits the TLS setup of the command, and nothing else of its environment (SPEC §7).
    const tlsEnv = { SSL_CERT_DIR: join(home.root, 'certs'), AWS_SECRET_ACCESS_KEY: 'aws-secret-of-the-shell' };
    const signup = await home.run(['init', '--yes', '--no-telemetry', '--email', 'carol@example.com'], {
      extraEnv: { ...extraEnv, ...tlsEnv },
    });
    expect(signup.code).toBe(0);
    await sink.waitForRequests(1);
    // It is still retrying the 500 (two more tries, 500 ms apart), so its environment can be read.
    const [pid] = home.senders();
    expect(pid).toBeTypeOf('number');
    if (process.platform === 'linux') {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
      expect(environ).toEqual([`SSL_CERT_DIR=${tlsEnv.SSL_CERT_DIR}`]);
    }
    await home.waitForSenders();
    const [entry] = spooled();
    expect(entry).toMatchObject({ event: 'newsletter_signup', attempts: 1 });
    expect(Date.now() - Date.parse(entry?.queuedAt as string)).toBeLessThan(60_000);
    // A command that tracks nothing is a run like any other: it shows the signup waiting, then starts its sender
    // again (SPEC §6, §7), a second attempt.
    const text = await home.run(['telemetry', 'status']);
    expect(text.stdout).toMatch(/explicit: +1 waiting, 0 dropped undelivered .*7 days or 20 attempts/);
    await home.waitForSenders();
    expect(spooled()).toEqual([expect.objectContaining({ uuid: entry?.uuid, attempts: 2 })]);
    expect(await explicitStatus()).toEqual({ pending: 1, dropped: 0 });
    await home.waitForSenders();

    // As if 18 more runs had tried it: the next command's sender makes the 20th and last attempt.
    writeFileSync(home.explicitSpoolFile, `${JSON.stringify({ ...entry, attempts: 19 })}\n`);
    const requestsBefore = sink.requests.length;
    expect((await home.run(['status'], { extraEnv })).code).toBe(0);
    await sink.waitForRequests(requestsBefore + 1);
    await home.waitForSenders();
    expect(existsSync(home.explicitSpoolFile)).toBe(false);
    expect(await explicitStatus()).toEqual({ pending: 0, dropped: 1 });
    expect(dropsLogged()).toEqual([
      expect.objectContaining({ uuid: entry?.uuid, reason: 'bound: not delivered after 20 attempts' }),
    ]);

    // One queued 8 days ago is dropped by the command itself: no sender process starts for it.
    const expired = { ...entry, uuid: '6f0b2c1e-0d7a-4c59-9a8e-2f4d1b3c5a70', attempts: 3 };
    writeFileSync(
      home.explicitSpoolFile,
      `${JSON.stringify({ ...expired, queuedAt: new Date(Date.now() - 8 * DAY_MS).toISOString() })}\n`,
    );
    const requestsNow = sink.requests.length;
    expect((await home.run(['status'], { extraEnv })).code).toBe(0);
    expect(home.senders()).toEqual([]);
    expect(existsSync(join(home.stateDir, 'explicit-sender.pid'))).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.requests).toHaveLength(requestsNow);
    expect(await explicitStatus()).toEqual({ pending: 0, dropped: 2 });
    expect(dropsLogged().map((e) => [e.uuid, e.reason])).toEqual([
      [entry?.uuid, 'bound: not delivered after 20 attempts'],
      [expired.uuid, 'expired: not delivered within 7 days of being queued'],
    ]);
    expect(sink.events).toEqual([]);
  });
});
