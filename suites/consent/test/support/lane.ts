import { join } from 'node:path';
import { type Sink, startSink } from '@elmo/posthog-sink';
import {
  createTestHome,
  ELMO_BIN,
  getFreePort,
  type ManagedProcess,
  seedDatabaseAsync,
  startProcess,
  type TestHome,
  waitUntil,
} from '@elmo/test-support';
import { type ConsentWorld, optOutsInForce } from './oracle.js';

/**
 * Shorter intervals (same behaviour) so that a few hundred milliseconds of use produce every kind of event, and a
 * CLI sender on every run that spooled events.
 */
export const FAST_TELEMETRY = {
  ELMO_TELEMETRY_FLUSH_MS: '100',
  ELMO_TELEMETRY_USAGE_MS: '150',
  ELMO_TELEMETRY_ALLOW_HEADLESS: '1',
  ELMO_TELEMETRY_SENDER_CAP_MS: '5000',
  ELMO_TELEMETRY_SENDER_INTERVAL_MS: '0',
};

/** The opt-outs in force from `at` until the next mark. */
export interface Mark {
  at: number;
  label: string;
  optOuts: string[];
}

/**
 * One user with one deployment: their home (user config, CLI state), the deployment folder, a machine policy
 * file of their own, a loopback sink every surface sends to, and the deployment run by the real `elmo start`.
 */
export interface Lane {
  name: string;
  home: TestHome;
  sink: Sink;
  policyFile: string;
  port: number;
  url: string;
  /** The process env the running deployment was started with (beyond the clean base). */
  startEnv: Record<string, string>;
  /** Runs the built `elmo` as this user, with a clean environment plus the variables the deployment was started with. */
  elmo(args: readonly string[], extraEnv?: Record<string, string>): Promise<{ code: number | null; stdout: string }>;
  start(startEnv?: Record<string, string>): Promise<void>;
  /** Whether `elmo start` (and so both components: it stops when either fails) is still running. */
  isRunning(): boolean;
  stop(): Promise<void>;
  /** Records what is in force now (read from the files, by the test's own oracle). */
  mark(label: string): Mark;
  readonly marks: Mark[];
  close(): Promise<void>;
}

/**
 * Creates a lane whose deployment is set up by `setup` (default: `elmo init --yes --telemetry`, the user's
 * recorded choice) but not started.
 */
export async function createLane(name: string, setup: string[][] = [['init', '--yes', '--telemetry']]): Promise<Lane> {
  const sink = await startSink();
  const home = createTestHome(sink.url);
  const policyFile = join(home.root, 'policy.json');
  const port = await getFreePort();
  const base = { ELMO_TELEMETRY_POLICY: policyFile, ...FAST_TELEMETRY };
  let child: ManagedProcess | undefined;
  const marks: Mark[] = [];
  const world = (): ConsentWorld => ({
    policyFile,
    configFile: home.configFile,
    envFile: home.envFile,
    startEnv: lane.startEnv,
  });

  const lane: Lane = {
    name,
    home,
    sink,
    policyFile,
    port,
    url: `http://127.0.0.1:${port}`,
    startEnv: {},
    marks,
    async elmo(args, extraEnv = {}) {
      // The person's shell: whatever they exported for `elmo start` holds for their other commands too.
      const env = { ...base, ...lane.startEnv, ...extraEnv };
      const result = await home.run(args, { extraEnv: env, timeoutMs: 30_000 });
      return { code: result.code, stdout: result.stdout };
    },
    async start(startEnv = {}) {
      lane.startEnv = startEnv;
      // Consent is what is tested here, not the database's first creation: start from a ready copy. Copied without
      // blocking this process, which serves every lane's sink: an answer delayed past a sender's request timeout
      // would be resent, rightly, and then look like a resend after an answer.
      await seedDatabaseAsync(join(home.deployDir, 'data'));
      const proc = startProcess(process.execPath, [ELMO_BIN, 'start', '--port', String(port)], {
        cwd: process.cwd(),
        env: home.env({ ...base, ...startEnv }),
      });
      child = proc;
      const up = () => proc.output().includes('Elmo is running at');
      await waitUntil(() => up() || proc.child.exitCode !== null, `elmo start (${name})`, 90_000, 50).catch(() => {});
      if (!up()) throw new Error(`elmo start (${name}) did not come up:\n${proc.output()}`);
    },
    isRunning: () => child !== undefined && child.child.exitCode === null && child.child.signalCode === null,
    async stop() {
      const proc = child;
      child = undefined;
      await proc?.stop('SIGINT', 15_000);
    },
    mark(label) {
      const mark = { at: Date.now(), label, optOuts: optOutsInForce(world()) };
      marks.push(mark);
      return mark;
    },
    async close() {
      await lane.stop();
      await home.waitForSenders(10_000).catch(() => undefined);
      home.cleanup();
      await sink.close();
    },
  };
  for (const args of setup) {
    const result = await lane.elmo(args);
    if (result.code !== 0) throw new Error(`elmo ${args.join(' ')} failed in lane ${name}`);
  }
  return lane;
}

/** A request that reached the sink while an opt-out had been in force for longer than `graceMs`. */
export interface Violation {
  lane: string;
  path: string;
  receivedAt: number;
  events: string[];
  since: Mark;
}

/**
 * Every sink request received inside a window where an opt-out was in force, from `graceMs` after the mark
 * that found it until the next mark. The grace covers a request already on the wire when the change was made
 * and the 250 ms for which a long-running process may reuse what it read (SPEC §3 allows 5 s).
 */
export function findViolations(lane: Lane, graceMs: number): Violation[] {
  const violations: Violation[] = [];
  const marks = lane.marks;
  for (const request of lane.sink.requests) {
    if (request.method !== 'POST') continue;
    // The mark in force when the request arrived: the last one at or before it.
    let index = -1;
    for (let i = 0; i < marks.length && (marks[i]?.at ?? Infinity) <= request.receivedAt; i += 1) index = i;
    const mark = marks[index];
    if (!mark || mark.optOuts.length === 0 || request.receivedAt < mark.at + graceMs) continue;
    const events = lane.sink.events
      .filter((e) => e.receivedAt === request.receivedAt && e.path === request.path)
      .map((e) => e.event);
    violations.push({ lane: lane.name, path: request.path, receivedAt: request.receivedAt, events, since: mark });
  }
  return violations;
}
