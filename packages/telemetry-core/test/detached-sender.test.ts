import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditDelivery, type Sink, startSink } from '@elmo/posthog-sink';
import { useTempDir } from '@elmo/test-support/vitest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingEvent } from '../src/envelope.js';
import { readLocalLog } from '../src/node/local-log.js';
import { readLivePid } from '../src/node/pid-file.js';
import { isProcessAlive } from '../src/node/process-alive.js';
import { openSpool } from '../src/node/spool/disk-spool.js';
import { detachedSenderEntry, startDetachedSender } from '../src/node/spool/sender-launcher.js';
import { TEST_CONSENT_NAMES } from '../src/testing/consent.js';

// Tests import the sources, but the detached sender runs the built entry file.
const ENTRY = detachedSenderEntry().replace('/src/', '/dist/').replace(/\.ts$/, '.js');

const temp = useTempDir();
let sink: Sink;
beforeEach(async () => {
  sink = await startSink();
});
afterEach(async () => {
  await sink.close();
});

function events(count: number, prefix: string): OutgoingEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    uuid: `00000000-0000-4000-8000-${prefix}${String(i).padStart(12 - prefix.length, '0')}`,
    event: 'cli_command',
    distinctId: 'install-1',
    timestamp: new Date().toISOString(),
    properties: { n: i },
  }));
}

function config(capMs = 5000) {
  return {
    spoolPath: join(temp.path, 'spool.jsonl'),
    pidFile: join(temp.path, 'sender.pid'),
    logPath: join(temp.path, 'events.log'),
    host: sink.url,
    apiKey: 'phc_test',
    capMs,
    requestTimeoutMs: 1000,
  };
}

async function waitForExit(pid: number, withinMs: number): Promise<number> {
  const started = Date.now();
  while (isProcessAlive(pid)) {
    if (Date.now() - started > withinMs) throw new Error(`sender ${pid} still running after ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - started;
}

describe('the detached sender', () => {
  it('delivers the spool, empties it and logs each event as sent', async () => {
    const cfg = config();
    openSpool(cfg.spoolPath).append(events(3, 'a'));
    const pid = startDetachedSender(cfg, ENTRY);
    expect(pid).toBeTypeOf('number');
    await waitForExit(pid as number, 5000);
    expect(sink.events.map((e) => e.uuid).sort()).toEqual(events(3, 'a').map((e) => e.uuid));
    expect(existsSync(cfg.spoolPath)).toBe(false);
    expect(existsSync(cfg.pidFile)).toBe(false);
    expect(readLocalLog(cfg.logPath).map((e) => e.status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('starts nothing when the spool is empty', () => {
    expect(startDetachedSender(config(), ENTRY)).toBeUndefined();
  });

  it('delivers 1,000 spooled events', async () => {
    const cfg = config();
    openSpool(cfg.spoolPath).append(events(1000, 'b'));
    await waitForExit(startDetachedSender(cfg, ENTRY) as number, 10_000);
    expect(new Set(sink.events.map((e) => e.uuid)).size).toBe(1000);
    expect(openSpool(cfg.spoolPath).isEmpty()).toBe(true);
  });

  it('exits within its cap against an endpoint that never answers, keeps the events, and delivers them later', async () => {
    const cfg = config(2000);
    openSpool(cfg.spoolPath).append(events(2, 'c'));
    sink.setMode('hang');
    const pid = startDetachedSender(cfg, ENTRY) as number;
    await waitForExit(pid, 3500);
    expect(openSpool(cfg.spoolPath).read()).toHaveLength(2);
    sink.setMode('healthy');
    await waitForExit(startDetachedSender(cfg, ENTRY) as number, 5000);
    // PostHog took the hung request's body too: the later send repeats its uuids (deduplicated by PostHog), but
    // nothing is sent again once an answer said it was accepted.
    const audit = auditDelivery(sink.requests);
    expect([...audit.accepted].sort()).toEqual(events(2, 'c').map((e) => e.uuid));
    expect(audit.resentAfterAnswer).toEqual([]);
    expect(openSpool(cfg.spoolPath).isEmpty()).toBe(true);
  });

  it('also sends events appended while it was sending, before it exits', async () => {
    const cfg = config();
    const spool = openSpool(cfg.spoolPath);
    spool.append(events(3, 'e'));
    sink.setMode({ kind: 'slow', delayMs: 500, times: 1 });
    const pid = startDetachedSender(cfg, ENTRY) as number;
    await sink.waitForRequests(1, { timeoutMs: 5000 });
    // Another CLI run appends while the first batch is in flight, and sees a sender running, so it starts none.
    spool.append(events(2, 'f'));
    expect(readLivePid(cfg.pidFile)).toBe(pid);
    await waitForExit(pid, 8000);
    expect(sink.events.map((e) => e.uuid).sort()).toEqual(
      [...events(3, 'e'), ...events(2, 'f')].map((e) => e.uuid).sort(),
    );
    expect(spool.isEmpty()).toBe(true);
  });

  it.runIf(process.platform === 'linux')(
    'gets only the TLS variables of its parent, never NODE_OPTIONS or a secret, and no API key in argv',
    async () => {
      const cfg = { ...config(3000), apiKey: 'phc_argv_must_not_hold_this' };
      openSpool(cfg.spoolPath).append(events(1, 'i'));
      // Hangs until the request timeout: the child is alive while its environment is read.
      sink.setMode('hang');
      const parent = {
        NODE_EXTRA_CA_CERTS: join(temp.path, 'corporate-ca.pem'),
        SSL_CERT_FILE: join(temp.path, 'cert.pem'),
        SSL_CERT_DIR: join(temp.path, 'certs'),
        NODE_OPTIONS: `--require ${join(temp.path, 'injected.cjs')}`,
        ELMO_POSTHOG_KEY: 'phc_secret_in_parent_env',
        AWS_SECRET_ACCESS_KEY: 'aws-secret-in-parent-env',
        PATH: process.env.PATH ?? '/usr/bin',
      };
      const pid = startDetachedSender(cfg, ENTRY, parent) as number;
      await sink.waitForRequests(1, { timeoutMs: 5000 });
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).sort();
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      expect(environ).toEqual(
        [
          `NODE_EXTRA_CA_CERTS=${parent.NODE_EXTRA_CA_CERTS}`,
          `SSL_CERT_DIR=${parent.SSL_CERT_DIR}`,
          `SSL_CERT_FILE=${parent.SSL_CERT_FILE}`,
        ].sort(),
      );
      expect(argv.join(' ')).not.toContain(cfg.apiKey);
      expect(argv.join(' ')).toContain('sender-process');
      // It did reach the endpoint, with the key it read from its 0600 file.
      expect(sink.rawBytes().includes(cfg.apiKey)).toBe(true);
      await waitForExit(pid, 5000);
    },
  );

  it('runs one sender at a time', async () => {
    const cfg = config();
    openSpool(cfg.spoolPath).append(events(5, 'd'));
    sink.setMode({ kind: 'slow', delayMs: 500, times: 1 });
    const first = startDetachedSender(cfg, ENTRY) as number;
    // Once the first sender holds the slot (its first request is in flight), a second start does nothing.
    await sink.waitForRequests(1, { timeoutMs: 5000 });
    const second = startDetachedSender(cfg, ENTRY);
    expect(second).toBeUndefined();
    await waitForExit(first, 5000);
    expect(sink.events.map((e) => e.uuid).sort()).toEqual(events(5, 'd').map((e) => e.uuid));
  });

  describe('asks consent again before every batch and every retry (SPEC §7)', () => {
    // The user's home, as the CLI hands it over: the sender reads the same files with the same rules.
    const consenting = (capMs = 8000) => {
      const home = join(temp.path, 'home');
      mkdirSync(join(home, '.config', 'acme'), { recursive: true });
      const configFile = join(home, '.config', 'acme', 'config.json');
      writeFileSync(configFile, '{"telemetryChoice":"enabled"}\n');
      const cfg = {
        ...config(capMs),
        consent: { names: TEST_CONSENT_NAMES, places: { surface: 'cli' as const, env: {}, homedir: home } },
      };
      const optOut = () => writeFileSync(configFile, '{"telemetryChoice":"enabled","telemetryDisabled":true}\n');
      return { cfg, optOut };
    };

    it('drops what is pending when the user opts out while a slow endpoint is retried', async () => {
      const { cfg, optOut } = consenting();
      openSpool(cfg.spoolPath).append(events(3, 'g'));
      sink.setMode({ kind: 'hang', times: 1 });
      const pid = startDetachedSender(cfg, ENTRY) as number;
      // The first attempt hangs until the request timeout; the user turns telemetry off meanwhile.
      await sink.waitForRequests(1, { timeoutMs: 5000 });
      optOut();
      await waitForExit(pid, 8000);
      // The hung attempt had left before the opt-out (PostHog took its body); no retry followed it.
      expect(sink.requests).toHaveLength(1);
      expect(sink.requests[0]?.outcome).toBe('hung');
      expect(openSpool(cfg.spoolPath).isEmpty()).toBe(true);
      const log = readLocalLog(cfg.logPath);
      expect(log.map((e) => [e.status, e.reason])).toEqual(events(3, 'g').map(() => ['dropped', 'consent withdrawn']));
    });

    it('starts no further batch after the user opts out', async () => {
      const { cfg, optOut } = consenting();
      openSpool(cfg.spoolPath).append(events(150, 'h'));
      // Slow, but inside the sender's 1 s request timeout.
      sink.setMode({ kind: 'slow', delayMs: 600, times: 1 });
      const pid = startDetachedSender(cfg, ENTRY) as number;
      // The first batch of 100 is on its way (it is delivered: it left before the opt-out); the rest never goes.
      await sink.waitForRequests(1, { timeoutMs: 5000 });
      optOut();
      await waitForExit(pid, 8000);
      expect(sink.requests).toHaveLength(1);
      expect(sink.events).toHaveLength(100);
      expect(openSpool(cfg.spoolPath).isEmpty()).toBe(true);
      const statuses = readLocalLog(cfg.logPath, 1000).map((e) => e.status);
      expect(statuses.filter((s) => s === 'sent')).toHaveLength(100);
      expect(statuses.filter((s) => s === 'dropped')).toHaveLength(50);
    });
  });
});
