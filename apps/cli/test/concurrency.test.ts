import { existsSync } from 'node:fs';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

const RUNS = 20;

describe('concurrent runs', () => {
  const e2e = useE2E();

  it(`${RUNS} concurrent \`elmo status\`: the config stays valid, one install id, every event delivered exactly once`, async () => {
    const { sink, home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion, keep: true });
    const runs = await Promise.all(Array.from({ length: RUNS }, () => home.run(['status'], { timeoutMs: 30_000 })));
    for (const run of runs) {
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
    }
    const config = home.readConfig();
    expect(config).toMatchObject({ keep: true, noticeVersion: elmoCatalog.consentVersion });
    expect(config?.installId).toMatch(/^[0-9a-f-]{36}$/);

    await home.waitForSenders(20_000);
    // A run that appended just as the running sender finished leaves its event for the next run (SPEC §7);
    // one more run picks up whatever is left.
    let extra = 0;
    while (existsSync(home.spoolFile) && extra < 3) {
      extra += 1;
      await home.run(['status']);
      await home.waitForSenders(20_000);
    }
    expect(existsSync(home.spoolFile)).toBe(false);
    const events = await sink.waitForEvents(RUNS + extra, { timeoutMs: 10_000 });
    expect(events).toHaveLength(RUNS + extra);
    expect(new Set(events.map((e) => e.uuid)).size).toBe(RUNS + extra);
    expect(new Set(events.map((e) => e.distinctId))).toEqual(new Set([config?.installId]));
    expect(new Set(events.map((e) => e.properties.session_id)).size).toBe(RUNS + extra);
  });
});
