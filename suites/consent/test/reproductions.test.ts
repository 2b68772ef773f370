import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createLane, type Lane } from './support/lane.js';
import { editDotenv, sameOrigin } from './support/operations.js';

// The reproductions of the consent-integrity issue, each against the real CLI and a deployment run by the real
// `elmo start`. (The cross-site ones are apps/web's cross-site tests; the detached sender's re-check of consent
// is telemetry-core's detached-sender test.)

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let lane: Lane | undefined;
afterEach(async () => {
  await lane?.close();
  lane = undefined;
});

async function telemetryStatus(l: Lane) {
  const result = await l.elmo(['telemetry', 'status', '--json']);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

async function panel(l: Lane) {
  const response = await fetch(`${l.url}/api/settings/telemetry`);
  return (await response.json()) as Record<string, unknown>;
}

/** Uses the deployment the way a person would, through its API and pages, for `ms`. */
async function useFor(l: Lane, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (let n = 0; Date.now() < until; n += 1) {
    await sameOrigin(l, '/api/brands', 'POST', { name: `Brand ${n}` });
    await (await fetch(`${l.url}/brands`)).arrayBuffer();
    await pause(200);
  }
}

describe('consent integrity: the reproductions', () => {
  it('1. `elmo telemetry disable` before any deployment, then `init --yes` and `start`: nothing leaves any surface', async () => {
    lane = await createLane('disable-first', [
      ['telemetry', 'disable'],
      ['init', '--yes'],
    ]);
    // `init` carried the user's choice into the new deployment's .env.
    expect(readFileSync(lane.home.envFile, 'utf8')).toMatch(/^DISABLE_TELEMETRY=1$/m);
    expect(await telemetryStatus(lane)).toMatchObject({ enabled: false, source: 'deployment-env' });
    // Even with that line removed by hand, the user's own choice still covers the deployment, read live.
    editDotenv(lane, 'DISABLE_TELEMETRY', undefined);
    expect(await telemetryStatus(lane)).toMatchObject({ enabled: false, source: 'user-config' });
    await lane.start();
    await useFor(lane, 2000);
    expect(await panel(lane)).toMatchObject({
      enabled: false,
      source: 'user-config',
      lockedBy: { kind: 'user-config', file: lane.home.configFile },
    });
    await lane.stop();
    expect(await telemetryStatus(lane)).toMatchObject({ enabled: false, source: 'user-config' });
    await pause(500);
    expect(lane.sink.requests.map((r) => r.path)).toEqual([]);
  }, 120_000);

  it('3. DO_NOT_TRACK=1 written in the deployment .env: the CLI, the web API and the page agree, name the file, send nothing', async () => {
    lane = await createLane('dnt-in-env');
    editDotenv(lane, 'DO_NOT_TRACK', '1');
    await lane.start();
    await useFor(lane, 1500);
    const expected = {
      enabled: false,
      source: 'deployment-env',
      reason: `disabled by DO_NOT_TRACK in ${lane.home.envFile}`,
      lockedBy: { kind: 'deployment-env', variable: 'DO_NOT_TRACK', file: lane.home.envFile },
    };
    expect(await telemetryStatus(lane)).toMatchObject(expected);
    expect(await panel(lane)).toMatchObject(expected);
    const page = await (await fetch(`${lane.url}/settings`)).text();
    expect(page).toContain(`DO_NOT_TRACK in ${lane.home.envFile}`);
    expect(page).not.toContain('environment variable of the server process');
    // The settings switch cannot turn it on.
    expect(await sameOrigin(lane, '/api/settings/telemetry', 'POST', { enabled: true })).toBe(409);
    await lane.stop();
    expect(lane.sink.requests.map((r) => r.path)).toEqual([]);
  }, 120_000);

  it('4. preview mode on a running deployment: no posthog-js on the page, /ingest forwards nothing, no byte leaves', async () => {
    lane = await createLane('preview');
    // What `elmo init` sent before preview mode was on is not this test's business.
    await lane.home.waitForSenders();
    lane.sink.clear();
    await lane.start({ ELMO_TELEMETRY_DEBUG: '1' });
    const page = await (await fetch(`${lane.url}/`)).text();
    expect(page).not.toContain('"/ingest"');
    const pageview = JSON.stringify([{ event: '$pageview', properties: { $pathname: '/' } }]);
    const ingest = await fetch(`${lane.url}/ingest/e/`, {
      method: 'POST',
      body: gzipSync(pageview),
      headers: { 'content-type': 'text/plain', origin: lane.url },
    });
    expect(ingest.status).toBe(200);
    await useFor(lane, 1500);
    await lane.stop();
    expect(lane.sink.requests.map((r) => r.path)).toEqual([]);
  }, 120_000);

  it('5. /ingest on a running deployment: only the page template is counted, it leaves in page_views keyed by the deployment, and it is logged', async () => {
    lane = await createLane('ingest');
    await lane.start();
    const deploymentId = /DEPLOYMENT_ID=(\S+)/.exec(readFileSync(lane.home.envFile, 'utf8'))?.[1];
    const hostile = {
      api_key: 'phc_attacker',
      batch: [
        {
          event: '$pageview',
          properties: {
            token: 'phc_attacker',
            distinct_id: 'eve@example.com',
            $pathname: '/settings',
            email: 'eve@example.com',
            marker: 'MARKER-5150',
          },
        },
        { event: 'made_up_event', properties: { marker: 'MARKER-5150' } },
      ],
    };
    for (const [body, type] of [
      [gzipSync(JSON.stringify(hostile)), 'text/plain'],
      ['this is not a capture body', 'text/plain'],
    ] as const) {
      await fetch(`${lane.url}/ingest/e/`, {
        method: 'POST',
        body,
        headers: { 'content-type': type, origin: lane.url },
      });
    }
    // Counted, not forwarded: the count leaves in the web app's hourly page_views (every 6 usage intervals).
    const [received] = await lane.sink.waitForEvents((e) => e.event === 'page_views', { timeoutMs: 10_000 });
    expect(received).toMatchObject({ distinctId: deploymentId, token: 'phc_test' });
    expect(received?.properties).toMatchObject({ rows: [{ page: '/settings', views: 1 }], source: 'web' });
    await lane.stop();
    expect(lane.sink.events.filter((e) => e.event === '$pageview')).toEqual([]);
    const bytes = lane.sink.rawBytes().toString('latin1');
    for (const secret of ['eve@example.com', 'MARKER-5150', 'phc_attacker', 'made_up_event'])
      expect(bytes).not.toContain(secret);
    const log = readFileSync(join(lane.home.deployDir, 'data', 'telemetry-events.jsonl'), 'utf8');
    expect(log).toContain(`"uuid":"${received?.uuid}"`);
  }, 120_000);

  it('7. a failing local-log write (its file is a folder) never crashes the web app or the worker; the settings page shows it', async () => {
    lane = await createLane('log-fails');
    mkdirSync(join(lane.home.deployDir, 'data', 'telemetry-events.jsonl'), { recursive: true });
    writeFileSync(join(lane.home.deployDir, 'data', 'telemetry-events.jsonl', 'in-the-way'), '');
    await lane.start();
    await useFor(lane, 2500);
    // `elmo start` stops everything when either component dies: still running means both survived.
    expect(lane.isRunning()).toBe(true);
    expect((await fetch(`${lane.url}/api/health`)).status).toBe(200);
    const state = await panel(lane);
    expect((state.logWrites as { failed: number }).failed).toBeGreaterThan(0);
    const page = await (await fetch(`${lane.url}/settings`)).text();
    expect(page).toContain('data-testid="telemetry-log-failures"');
    expect(page).toContain('EISDIR');
    // Telemetry itself kept working.
    expect(lane.sink.events.some((e) => e.event === 'deployment_started')).toBe(true);
  }, 120_000);
});
