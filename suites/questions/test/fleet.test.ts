import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { findProcesses } from '@elmo/test-support';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { ask, type Question } from '../src/question.js';
import {
  apiRoutes,
  cliCommands,
  databaseMode,
  deletionRequests,
  deploymentsByVersion,
  featuresAfterRelease,
  initFunnel,
  installsAndUpdates,
  newsletter,
  pagesAfterRelease,
  promptsTracked,
  providers,
  QUESTIONS,
  UNASKED,
  uptime,
} from '../src/questions.js';
import { type AnsweredQuestion, renderQuestionsReport } from '../src/report.js';
import * as expected from './support/expected.js';
import { FLEET_DESCRIPTION, type FleetRun, runFleet } from './support/fleet.js';
import type { Ledger } from './support/ledger.js';

/** docs/QUESTIONS.md of this repository, found from this file (suites/questions/test). */
const REPORT_PATH = resolve(import.meta.dirname, '..', '..', '..', 'docs', 'QUESTIONS.md');
/** Set by `pnpm report:questions` only: `npm test` and filtered runs never rewrite the committed report. */
const WRITE_REPORT = process.env.ELMO_WRITE_QUESTIONS_REPORT === '1';

let run: FleetRun;
const answered = new Map<string, AnsweredQuestion>();
/** Questions whose test failed in this run, with the failure's first line (shown in the report). */
const failed = new Map<string, string>();

/** Asks a question of the sink's events; the answer is kept for the report once its test passed. */
function answer<A>(question: Question<A>): { value: A; passed(checks?: string[]): void } {
  onTestFailed(({ task }) => {
    failed.set(question.id, (task.result?.errors?.[0]?.message ?? 'failed').split('\n')[0] ?? 'failed');
  });
  const value = ask(question, run.events);
  return {
    value,
    passed: (checks = []) =>
      answered.set(question.id, { question: question as Question<unknown>, answer: value, checks }),
  };
}

function fleetLines(ledger: Ledger): string[] {
  const deployments = new Set(ledger.components.map((c) => c.deploymentId)).size;
  const installs = new Set(ledger.cli.map((r) => r.install)).size;
  const apiRequests = [...ledger.api.values()].reduce((sum, n) => sum + n, 0);
  return [
    ...FLEET_DESCRIPTION,
    `In all: ${deployments} deployments, ${ledger.components.length} component processes started and stopped, ${apiRequests} API requests, ${installs} CLI homes, ${ledger.cli.length} \`elmo\` runs, ${ledger.inits.length} \`init\` runs.`,
  ];
}

beforeAll(async () => {
  run = await runFleet();
}, 240_000);

afterAll(() => {
  // Only a full run rewrites the report: every question's test ran (passed, or failed and shown as not answered).
  if (!WRITE_REPORT || !run || !QUESTIONS.every((q) => answered.has(q.id) || failed.has(q.id))) return;
  const ordered = QUESTIONS.map(
    (q): AnsweredQuestion =>
      answered.get(q.id) ?? { question: q, answer: undefined, checks: [], failure: failed.get(q.id) },
  );
  writeFileSync(REPORT_PATH, renderQuestionsReport(ordered, elmoCatalog, { lines: fleetLines(run.ledger) }, UNASKED));
});

describe('the simulated fleet answers every purpose question (SPEC §11)', () => {
  it('stops everything it started', () => {
    const alive = run.pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    // Detached senders, terminals and the CLI release copy all live under the fleet's temp folders.
    expect(findProcesses('elmo-questions-')).toEqual([]);
  });

  it('how many deployments run, on which versions', () => {
    const a = answer(deploymentsByVersion);
    expect(a.value).toEqual(expected.expectedDeployments(run.ledger));
    a.passed();
  });

  it('install and update counts per version', () => {
    const a = answer(installsAndUpdates);
    expect(a.value).toEqual(expected.expectedInstallsAndUpdates(run.ledger));
    a.passed();
  });

  it('how many installs run which commands, with which aliases, how long they take and how often they fail', () => {
    const a = answer(cliCommands);
    const { durations, ...counts } = a.value;
    expect(counts).toEqual(expected.expectedCommands(run.ledger));
    const slowest = expected.slowestRun(run.ledger);
    for (const [command, d] of Object.entries(durations)) {
      expect(d.p50, command).toBeLessThanOrEqual(d.p95);
      expect(d.p95, command).toBeLessThanOrEqual(d.max);
      expect(d.max, command).toBeLessThanOrEqual(slowest[command] ?? 0);
    }
    a.passed([
      'Per command, p50 ≤ p95 ≤ the longest `duration_ms`, and that is no longer than the slowest wall time the script measured for a run of the command.',
    ]);
  });

  it('how often `elmo init` completes, and at which step it drops off', () => {
    const a = answer(initFunnel);
    expect(a.value).toEqual(expected.expectedInitFunnel(run.ledger));
    a.passed(['An `init` interrupted before the telemetry question (no consent yet) sent nothing.']);
  });

  it('which database mode is more common', () => {
    const a = answer(databaseMode);
    expect(a.value).toEqual(expected.expectedDatabaseModes(run.ledger));
    a.passed();
  });

  it('an `init` interrupted after a choice still sends the choices made so far (SPEC §5)', () => {
    const sent = run.events
      .filter((e) => e.event === 'cli_init' && e.properties.completed === false)
      .map((e) => ({
        last_step: e.properties.last_step,
        database_mode: e.properties.database_mode,
        providers: e.properties.providers,
      }));
    const made = run.ledger.inits
      .filter((i) => i.sent && !i.completed)
      .map((i) => ({
        last_step: i.lastStep,
        // Asked first, so made by every init that got past it; providers only by one that got past their question.
        database_mode: i.databaseMode,
        providers: i.providers.length > 0 ? i.providers : undefined,
      }));
    const order = (rows: { last_step: unknown }[]) =>
      [...rows].sort((x, y) => String(x.last_step).localeCompare(String(y.last_step)));
    expect(
      order(sent),
      'apps/cli: the cli_init of an interrupted `elmo init` lacks choices already made (database_mode once the database question was answered, providers once the providers question was)',
    ).toEqual(order(made));
  });

  it('how many prompts are tracked across all deployments', () => {
    const a = answer(promptsTracked);
    expect(a.value).toEqual(expected.expectedPrompts(run.ledger));
    a.passed();
  });

  it('which features are used after a release', () => {
    const a = answer(featuresAfterRelease);
    expect(a.value).toEqual(expected.expectedFeatures(run.ledger));
    a.passed();
  });

  it('which pages are used after a release', () => {
    const a = answer(pagesAfterRelease);
    expect(a.value).toEqual(expected.expectedPages(run.ledger));
    a.passed();
  });

  it('which providers are most popular, and which produce the most errors', () => {
    const a = answer(providers);
    const { slowestP95, ...counts } = a.value;
    // The script's ledger: calls the fake provider received and answered 500 (retries included), offline asks.
    expect(counts).toEqual(expected.expectedProviders(run.ledger));
    for (const [provider, p95] of Object.entries(slowestP95)) expect(p95, provider).toBeGreaterThanOrEqual(0);
    a.passed([
      'The `openai_compatible` calls and errors equal the calls the fake server received and the ones it answered with 500, retries included.',
    ]);
  });

  it('uptime of long-running deployments', () => {
    const a = answer(uptime);
    const { ledger } = run;
    expect(a.value.stopped).toEqual(expected.expectedStops(ledger));
    // Hours are sent with two decimals (36 s): a run of seconds reports 0.00, never more than its lifetime rounded up.
    const longestLifetimeHours =
      Math.ceil((100 * Math.max(...ledger.components.map((c) => c.lifetimeMs))) / 3_600_000) / 100;
    expect(a.value.longestRuntimeHours).toBeGreaterThanOrEqual(0);
    expect(a.value.longestRuntimeHours).toBeLessThanOrEqual(longestLifetimeHours);
    // Every component ran at least three heartbeat periods after it was ready (the script waits for that).
    const deployments = new Set(ledger.components.map((c) => c.deploymentId)).size;
    expect(
      { deployments: a.value.deploymentsWithHeartbeat, components: Object.keys(a.value.heartbeats) },
      `heartbeats must come from every deployment and from both components, each having run over three heartbeat periods (${3 * ledger.heartbeatMs} ms): the web app and worker need a test knob for the heartbeat period, ELMO_TELEMETRY_HEARTBEAT_MS, like ELMO_TELEMETRY_USAGE_MS`,
    ).toEqual({ deployments, components: ['web', 'worker'] });
    expect(a.value.longestHeartbeatUptimeHours).toBeLessThanOrEqual(longestLifetimeHours);
    a.passed([
      'Every component stopped once (one `deployment_stopped` each); the longest `runtime_hours` (two decimals) is no longer than the longest lifetime the script measured, rounded up.',
      `Every deployment, and both kinds of component, sent heartbeats after running three heartbeat periods (period ${ledger.heartbeatMs} ms), with \`uptime_hours\` no longer than the longest lifetime measured.`,
    ]);
  });

  it('which API routes are used, and how slow they are, by template', () => {
    const a = answer(apiRoutes);
    expect(a.value.requests).toEqual(expected.expectedApiRequests(run.ledger));
    for (const [route, { p50, p95 }] of Object.entries(a.value.slowest)) {
      expect(p50, route).toBeLessThanOrEqual(p95);
      expect(p95, route).toBeLessThanOrEqual(run.ledger.apiSlowestMs.get(route) ?? 0);
    }
    a.passed([
      'Per route, the worst window’s p50 ≤ p95, and p95 is no longer than the slowest request the script timed on it.',
    ]);
  });

  it('who asked to be emailed product updates', () => {
    const a = answer(newsletter);
    expect(a.value).toEqual(expected.expectedNewsletter(run.ledger));
    a.passed();
  });

  it('which ids’ events must be deleted', () => {
    const a = answer(deletionRequests);
    expect(a.value).toEqual(expected.expectedDeletionRequests(run.ledger));
    a.passed([
      'The ids are the install id and the deployment id (DEPLOYMENT_ID) the home had before `telemetry disable --forget`.',
    ]);
  });
});
