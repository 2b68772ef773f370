import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLane, type Lane } from './support/lane.js';
import { editConfig, editDotenv, resetToOn, setPolicy } from './support/operations.js';

// Every consent rule a deployment knows, one row each: `elmo telemetry status --json`, the web API and the
// settings page must give the same source, reason and lock (SPEC §3: one home for consent, asked by every
// surface). The CLI-only rules (CI, a missing home, the first-run notice) have their own CLI tests.

interface Row {
  rule: string;
  /** Process variables for both `elmo start` and the CLI (a restart when they change). */
  env?: Record<string, string>;
  set(lane: Lane): void;
  expected: { source: string; reason: RegExp; lock: string | null; enabled: boolean };
}

const ROWS: Row[] = [
  {
    rule: 'nothing set (opt-out default)',
    set: () => {},
    expected: { source: 'user-config', reason: /you chose/, lock: null, enabled: true },
  },
  {
    rule: 'machine policy maximum off',
    set: (l) => setPolicy(l, '{"maximum":"off"}'),
    expected: { source: 'policy', reason: /machine policy/, lock: 'policy', enabled: false },
  },
  {
    rule: 'machine policy maximum local',
    set: (l) => setPolicy(l, '{"maximum":"local"}'),
    expected: { source: 'policy', reason: /local only/, lock: 'policy', enabled: false },
  },
  {
    rule: 'machine policy unreadable',
    set: (l) => setPolicy(l, '{ nope'),
    expected: { source: 'policy', reason: /cannot be read/, lock: 'policy', enabled: false },
  },
  {
    rule: 'DO_NOT_TRACK in the process env',
    env: { DO_NOT_TRACK: '1' },
    set: () => {},
    expected: {
      source: 'process-env',
      reason: /DO_NOT_TRACK environment variable/,
      lock: 'process-env',
      enabled: false,
    },
  },
  {
    rule: 'DISABLE_TELEMETRY in the process env',
    env: { DISABLE_TELEMETRY: 'true' },
    set: () => {},
    expected: {
      source: 'process-env',
      reason: /DISABLE_TELEMETRY environment variable/,
      lock: 'process-env',
      enabled: false,
    },
  },
  {
    rule: 'DO_NOT_TRACK in the deployment .env',
    set: (l) => editDotenv(l, 'DO_NOT_TRACK', '1'),
    expected: { source: 'deployment-env', reason: /DO_NOT_TRACK in/, lock: 'deployment-env', enabled: false },
  },
  {
    rule: 'DISABLE_TELEMETRY in the deployment .env (the switch)',
    set: (l) => editDotenv(l, 'DISABLE_TELEMETRY', '1'),
    expected: { source: 'deployment-env', reason: /DISABLE_TELEMETRY in/, lock: null, enabled: false },
  },
  {
    rule: 'TELEMETRY_MODE=local in the deployment .env',
    set: (l) => editDotenv(l, 'TELEMETRY_MODE', 'local'),
    expected: { source: 'deployment-env', reason: /TELEMETRY_MODE/, lock: null, enabled: false },
  },
  {
    rule: 'the user config says disabled',
    set: (l) =>
      editConfig(l, (data) => {
        data.telemetryDisabled = true;
      }),
    expected: { source: 'user-config', reason: /your choice/, lock: 'user-config', enabled: false },
  },
  {
    rule: 'the user config is corrupt',
    set: (l) => writeFileSync(l.home.configFile, '{"telemetry'),
    expected: { source: 'user-config', reason: /cannot be read/, lock: 'unusable-file', enabled: false },
  },
];

// What React writes for a text node.
const html = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#x27;');

describe('the CLI, the web API and the settings page agree on every rule', () => {
  let lane: Lane;
  let started: Record<string, string> = {};
  beforeAll(async () => {
    lane = await createLane('agreement');
    await lane.start();
  });
  afterAll(() => lane.close());

  it.each(ROWS.map((row) => [row.rule, row] as const))(
    '%s',
    async (_rule, row) => {
      const env = row.env ?? {};
      if (JSON.stringify(env) !== JSON.stringify(started)) {
        resetToOn(lane);
        await lane.stop();
        await lane.start(env);
        started = env;
      }
      resetToOn(lane);
      row.set(lane);
      // The server re-reads its files at most every 250 ms.
      await new Promise((resolve) => setTimeout(resolve, 400));

      const cli = JSON.parse((await lane.elmo(['telemetry', 'status', '--json'])).stdout);
      const api = await (await fetch(`${lane.url}/api/settings/telemetry`)).json();
      const page = await (await fetch(`${lane.url}/settings`)).text();

      for (const answer of [cli, api]) {
        expect(answer.enabled).toBe(row.expected.enabled);
        expect(answer.source).toBe(row.expected.source);
        expect(answer.reason).toMatch(row.expected.reason);
        expect(answer.lockedBy?.kind ?? null).toBe(row.expected.lock);
      }
      expect(api.reason).toBe(cli.reason);
      expect(api.lockedBy).toEqual(cli.lockedBy);
      expect(page).toContain(`data-source="${cli.source}"`);
      expect(page).toContain(html(cli.reason));
      if (cli.lockedBy) {
        expect(page).toContain(html(api.lockedByText));
        expect(page).toMatch(/role="radiogroup"[^>]*aria-disabled="true"/);
      } else {
        expect(page).not.toContain('id="telemetry-locked"');
      }
    },
    90_000,
  );
});
