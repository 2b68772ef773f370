import { existsSync } from 'node:fs';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import type { ReceivedEvent, ReceivedRequest } from '@elmo/posthog-sink';
import { createTestHome, type RunResult, type TestHome, watchLifetimes } from '@elmo/test-support';
import { expect } from 'vitest';
import type { Cell } from './cell.js';
import { type FaultMode, isPortFault } from './modes.js';
import { startSwitchableSink } from './switchable-sink.js';
import { audit, distinctUuids, isCapture, readLog, sentUuids, sleep, timesSent } from './wire.js';

/** The detached sender's lifetime cap in these tests (the product's is 30 s; the knob can only lower it). */
export const SENDER_CAP_MS = 4500;
/**
 * Added wait a command may show over the same command with telemetry off: far below the 3 s of the slow sink
 * and the 5 s request timeout, so a command that waited for the network would fail it.
 */
export const CLI_ADDED_WAIT_MS = 1500;

/** What a cell runs: commands with their expected exit codes; `init --yes` makes a batch of two events. */
export const CLI_SCRIPT: readonly { args: string[]; code: number; events: number }[] = [
  { args: ['init', '--yes'], code: 0, events: 2 },
  { args: ['status', '--json'], code: 0, events: 1 },
  { args: ['start', '--port', 'nope'], code: 2, events: 1 },
  { args: ['st'], code: 0, events: 1 },
];

// A sender on every run that spooled events (the product starts at most one a minute unless events wait).
const senderEnv = { ELMO_TELEMETRY_SENDER_CAP_MS: String(SENDER_CAP_MS), ELMO_TELEMETRY_SENDER_INTERVAL_MS: '0' };

/** A private home whose first-run notice was already shown, so every run may send. */
export function createCliHome(sinkUrl: string): TestHome {
  const home = createTestHome(sinkUrl);
  home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
  return home;
}

/** Exit code and output of a run with this machine's paths and random ids replaced, for comparison. */
export function normalizeRun(run: RunResult, root: string): string {
  const clean = (text: string) =>
    text
      .split(root)
      .join('<root>')
      .replace(/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}/g, '<uuid>')
      .replace(/\b[0-9a-f]{8}…/g, '<id>…');
  return `exit ${run.code} signal ${run.signal}\n--- stdout\n${clean(run.stdout)}--- stderr\n${clean(run.stderr)}`;
}

/** Runs CLI_SCRIPT in order. */
export async function runCliScript(home: TestHome, extraEnv: Record<string, string>): Promise<RunResult[]> {
  const runs: RunResult[] = [];
  for (const step of CLI_SCRIPT) runs.push(await home.run(step.args, { extraEnv: { ...senderEnv, ...extraEnv } }));
  return runs;
}

/**
 * Runs CLI_SCRIPT in `home` and, step by step just before each command, the same command with telemetry off
 * (DO_NOT_TRACK) in `off`: each pair runs under the same load of this shared machine, so their difference is
 * what telemetry added, not what the machine did between two phases. `onFirstExit` is called (not awaited) when
 * the first command has exited.
 */
export async function runPairedCliScript(
  home: TestHome,
  off: TestHome,
  onFirstExit?: () => void,
): Promise<{ runs: RunResult[]; offRuns: RunResult[] }> {
  const runs: RunResult[] = [];
  const offRuns: RunResult[] = [];
  for (const step of CLI_SCRIPT) {
    offRuns.push(await off.run(step.args, { extraEnv: { ...senderEnv, DO_NOT_TRACK: '1' } }));
    runs.push(await home.run(step.args, { extraEnv: senderEnv }));
    if (runs.length === 1) onFirstExit?.();
  }
  return { runs, offRuns };
}

/** Runs the reference script against a healthy sink; its normalized output is what every cell must print. */
export async function referenceOutput(): Promise<string[]> {
  const sink = await startSwitchableSink();
  const home = createCliHome(sink.url);
  try {
    const runs = await runCliScript(home, {});
    await home.waitForSenders(SENDER_CAP_MS + 4000);
    return runs.map((run) => normalizeRun(run, home.root));
  } finally {
    home.cleanup();
    await sink.close();
  }
}

/**
 * One cell of the CLI row: the script runs while the sink misbehaves, each command is compared with the
 * reference output and with the same command with telemetry off, the detached sender must end within its
 * cap, and after the sink recovers one more command must deliver every spooled event exactly once.
 */
export async function runCliFaultCell(cell: Cell, mode: FaultMode, reference: readonly string[]): Promise<void> {
  const sink = await startSwitchableSink(mode.sinkMode ?? 'healthy');
  const home = createCliHome(sink.url);
  const off = createCliHome(sink.url);
  // Each sender is timed on its own: a later command's sender may start seconds after the first on a busy machine.
  const lifetimes = watchLifetimes(home.senders);
  try {
    if (isPortFault(mode)) await sink.down();
    let upAt: Promise<number> | undefined;
    const { runs, offRuns } = await runPairedCliScript(home, off, () => {
      // Down, then up: the sink comes back while the first sender is between its retries.
      if (mode.id === 'down-up') upAt = sleep(700).then(() => sink.up());
    });

    cell.check('exit codes as without a sink fault', () => {
      expect(runs.map((r) => [r.code, r.signal])).toEqual(CLI_SCRIPT.map((s) => [s.code, null]));
    });
    cell.check('stdout and stderr identical to the healthy reference', () => {
      expect(runs.map((r) => normalizeRun(r, home.root))).toEqual(reference);
    });
    const added = runs.map((run, i) => run.durationMs - (offRuns[i]?.durationMs ?? 0));
    cell.metric('max added wait ms', Math.max(...added));
    cell.metric('slowest command ms', Math.max(...runs.map((r) => r.durationMs)));
    cell.check(`no added wait (each command ≤ its telemetry-off run + ${CLI_ADDED_WAIT_MS} ms)`, () => {
      expect(Math.max(...added)).toBeLessThan(CLI_ADDED_WAIT_MS);
    });

    const upTime = upAt ? await upAt : undefined;
    await cell.checkAsync(`the detached sender exits within its cap (${SENDER_CAP_MS} ms + 2 s)`, async () => {
      await home.waitForSenders(SENDER_CAP_MS + 6000);
      const lived = [...lifetimes.stop().values()];
      cell.metric('sender lifetime ms', Math.max(0, ...lived));
      expect(lived.length).toBeGreaterThan(0);
      expect(Math.max(...lived)).toBeLessThan(SENDER_CAP_MS + 2000);
    });
    const beforeRecovery = sink.events().map((e) => e.uuid);
    checkFaultSeen(cell, mode, sink.requests(), home, upTime, sink.events());

    // Recovery: a healthy sink on the same port and one more command, whose sender takes the whole spool.
    sink.setMode('healthy');
    await sink.up();
    const recovery = await home.run(['status'], { extraEnv: senderEnv });
    cell.check('a command after recovery succeeds', () => expect(recovery.code).toBe(0));
    await home.waitForSenders(SENDER_CAP_MS + 6000);

    const log = readLog(home.logFile);
    const spooled = log.filter((l) => l.status === 'queued').map((l) => l.uuid);
    const expectedCount = CLI_SCRIPT.reduce((n, s) => n + s.events, 0) + 1;
    const accepted = distinctUuids(sink.events());
    const delivery = audit(sink.requests());
    recordDelivery(cell, spooled, accepted, delivery);
    cell.check(`every command spooled its events (${expectedCount})`, () =>
      expect(spooled).toHaveLength(expectedCount),
    );
    cell.check('nothing was sent again after an answer said it was accepted', () =>
      expect(delivery.resentAfterAnswer).toEqual([]),
    );
    cell.check('the spool is empty at the end', () => expect(existsSync(home.spoolFile)).toBe(false));
    if (mode.delivery === 'once') {
      cell.check('every spooled event arrived (by uuid: PostHog keeps one of each)', () => {
        expect([...accepted].sort()).toEqual([...spooled].sort());
      });
      if (mode.id === 'down-up') {
        cell.check('the sender that met the outage delivered after the sink came back', () => {
          expect(beforeRecovery.length).toBeGreaterThan(0);
        });
      }
    } else {
      const recoveryUuid = spooled.at(-1);
      const refused = spooled.filter((uuid) => uuid !== recoveryUuid);
      cell.check('refused events were never accepted, the later one was', () => {
        expect(accepted).toEqual([recoveryUuid]);
      });
      cell.check('each refused event was sent once and not retried', () => {
        const sent = sentUuids(sink.requests());
        for (const uuid of refused) expect(timesSent(sent, uuid), uuid).toBe(1);
      });
      cell.check('the local log says they were dropped', () => {
        const dropped = new Set(log.filter((l) => l.status === 'dropped').map((l) => l.uuid));
        expect(refused.filter((uuid) => !dropped.has(uuid))).toEqual([]);
      });
    }
  } finally {
    lifetimes.stop();
    home.cleanup();
    off.cleanup();
    await sink.close();
  }
}

/** The delivery figures of a cell: tracked, accepted (distinct uuids), lost, and both kinds of resend. */
export function recordDelivery(
  cell: Cell,
  tracked: readonly string[],
  accepted: readonly string[],
  delivery: { resentAfterAnswer: string[]; resentUnanswered: string[] },
): void {
  const got = new Set(accepted);
  cell.metric('events tracked', tracked.length);
  cell.metric('events accepted', accepted.length);
  cell.metric('events lost', tracked.filter((uuid) => !got.has(uuid)).length);
  cell.metric('sent again after an answer', delivery.resentAfterAnswer.length);
  cell.metric('sent again after a lost answer', delivery.resentUnanswered.length);
}

function checkFaultSeen(
  cell: Cell,
  mode: FaultMode,
  requests: readonly ReceivedRequest[],
  home: TestHome,
  upTime: number | undefined,
  events: readonly ReceivedEvent[],
): void {
  if (mode.faulted) {
    const faulted = mode.faulted;
    cell.check('the sender met the fault', () => {
      expect(requests.filter(isCapture).some((r) => faulted(r))).toBe(true);
    });
  }
  if (mode.id === 'refused' || mode.id === 'stop-in-outage') {
    cell.check('nothing was delivered while the port refused; the spool kept the events', () => {
      expect(events).toHaveLength(0);
      expect(existsSync(home.spoolFile)).toBe(true);
    });
  }
  if (mode.id === 'down-up' && upTime !== undefined) {
    cell.check('events captured while the sink was down arrived after it came back', () => {
      const early = events.filter((e) => Date.parse(String(e.timestamp)) < upTime && e.receivedAt >= upTime);
      expect(early.length).toBeGreaterThan(0);
    });
  }
}
