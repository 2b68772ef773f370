import { existsSync, readFileSync } from 'node:fs';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { auditDelivery, type Sink, startSink } from '@elmo/posthog-sink';
import { useE2E } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';

const CAP_MS = 2000;
// A command that waited for this endpoint would take at least the request timeout (5 s). The command only
// appends to a file and spawns the sender (~0.2 s); the margin absorbs a loaded two-core CI machine.
const FAST_MS = 4000;

function spooledUuids(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { uuid: string }).uuid);
}

// Every event arrived, and none was sent again after an answer said it was accepted. A request PostHog took but
// never answered (hung, lost answer) may be repeated with the same uuid: PostHog deduplicates it.
function expectEachDelivered(sink: Sink, uuids: string[]): void {
  const audit = auditDelivery(sink.requests);
  expect(audit.resentAfterAnswer, 'nothing resent after an answer').toEqual([]);
  expect([...audit.accepted].sort()).toEqual([...new Set(uuids)].sort());
}

describe('delivery never waits for the network and never loses events', () => {
  const e2e = useE2E();

  it('endpoint accepting and never answering: the command returns fast, the sender exits within its cap, events arrive later, none sent again after an answer', async () => {
    const { sink, home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    sink.setMode('hang');
    const extraEnv = { ELMO_TELEMETRY_SENDER_CAP_MS: String(CAP_MS) };
    const run = await home.run(['status'], { extraEnv });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.durationMs).toBeLessThan(FAST_MS);
    const stuck = spooledUuids(home.spoolFile);
    expect(stuck).toHaveLength(1);
    await sink.waitForRequests(1);
    expect(home.senders()).toHaveLength(1);
    const started = Date.now();
    await home.waitForSenders(CAP_MS + 3000);
    expect(Date.now() - started).toBeLessThan(CAP_MS + 3000);
    expect(sink.requests.filter((r) => r.outcome === 'answered')).toEqual([]);
    expect(spooledUuids(home.spoolFile)).toEqual(stuck);

    sink.setMode('healthy');
    const later = await home.run(['status']);
    expect(later.code).toBe(0);
    const fresh = spooledUuids(home.spoolFile).filter((uuid) => !stuck.includes(uuid));
    await sink.waitForEvents(2);
    await home.waitForSenders();
    expectEachDelivered(sink, [...stuck, ...fresh]);
    expect(existsSync(home.spoolFile)).toBe(false);
  });

  it('endpoint refusing connections: same, and the events reach a healthy endpoint on a later run', async () => {
    const { home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    const dead = await startSink();
    const deadUrl = dead.url;
    await dead.close();
    const extraEnv = { ELMO_POSTHOG_HOST: deadUrl, ELMO_TELEMETRY_SENDER_CAP_MS: String(CAP_MS) };
    const runs = [await home.run(['status'], { extraEnv }), await home.run(['start'], { extraEnv })];
    for (const run of runs) expect(run.durationMs).toBeLessThan(FAST_MS);
    expect(runs.map((r) => r.code)).toEqual([0, 1]);
    await home.waitForSenders(CAP_MS + 3000);
    const stuck = spooledUuids(home.spoolFile);
    expect(stuck).toHaveLength(2);

    const later = await home.run(['status']);
    expect(later.code).toBe(0);
    await e2e.sink.waitForEvents(3);
    await home.waitForSenders();
    expect(e2e.sink.events.filter((e) => stuck.includes(e.uuid as string))).toHaveLength(2);
    expectEachDelivered(
      e2e.sink,
      e2e.sink.events.map((e) => e.uuid as string),
    );
    expect(e2e.sink.events).toHaveLength(3);
  });

  it('endpoint resetting connections, then answering 500: kept, then delivered once', async () => {
    const { sink, home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    sink.setMode('reset');
    const extraEnv = { ELMO_TELEMETRY_SENDER_CAP_MS: String(CAP_MS) };
    expect((await home.run(['status'], { extraEnv })).durationMs).toBeLessThan(FAST_MS);
    await home.waitForSenders(CAP_MS + 3000);
    sink.setMode('status:500');
    await home.run(['status'], { extraEnv });
    await home.waitForSenders(CAP_MS + 3000);
    expect(sink.events).toHaveLength(0);
    expect(spooledUuids(home.spoolFile)).toHaveLength(2);
    sink.setMode('healthy');
    await home.run(['status']);
    await sink.waitForEvents(3);
    await home.waitForSenders();
    expectEachDelivered(
      sink,
      sink.events.map((e) => e.uuid as string),
    );
    expect(sink.events).toHaveLength(3);
  });

  it('answer lost after PostHog took the batch: sent again with the same uuid, nothing after the answer', async () => {
    const { sink, home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    sink.setMode({ kind: 'lost-response', times: 1 });
    const run = await home.run(['status'], { extraEnv: { ELMO_TELEMETRY_SENDER_CAP_MS: String(CAP_MS) } });
    expect(run.code).toBe(0);
    await sink.waitForEvents(1);
    await home.waitForSenders(CAP_MS + 3000);
    // Retried by this sender if its cap leaves time, else kept for the next run's sender.
    await home.run(['status']);
    await sink.waitForEvents(3);
    await home.waitForSenders();
    const audit = auditDelivery(sink.requests);
    expect(sink.requests.map((r) => r.outcome)).toEqual(['lost', ...sink.requests.slice(1).map(() => 'answered')]);
    expect(audit.accepted.size).toBe(2);
    expect(audit.resentUnanswered).toHaveLength(1);
    expect(audit.resentAfterAnswer).toEqual([]);
    expect(existsSync(home.spoolFile)).toBe(false);
  });
});
