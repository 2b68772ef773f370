import { existsSync } from 'node:fs';
import { type Sink, type SinkMode, startSink } from '@elmo/posthog-sink';
import { afterEach, beforeEach, expect } from 'vitest';
import { createTempDir, type TempDir } from './temp-dir.js';
import { createTestHome, type TestHome } from './test-home.js';

// Vitest hooks and assertions: a temp folder per test, and the end-to-end tests of the built `elmo` (imports
// vitest, so its own entry).

/** The current test's folder, from useTempDir. */
export interface TestTempDir {
  /** The folder of the test running now; reading it outside a test throws. */
  readonly path: string;
}

/**
 * Registers beforeEach/afterEach that give each test a fresh folder under the OS temp folder (named
 * `<prefix>XXXXXX`) and remove it after the test. Call it before hooks that use `.path`: they run after it, and
 * their afterEach runs before the folder is removed.
 */
export function useTempDir(prefix?: string): TestTempDir {
  let current: TempDir | undefined;
  beforeEach(() => {
    current = createTempDir(prefix);
  });
  afterEach(() => {
    current?.remove();
    current = undefined;
  });
  return {
    get path() {
      if (!current) throw new Error('useTempDir: .path is only there while a test runs');
      return current.path;
    },
  };
}

/** What useE2E needs of a home: a way to remove it, and (for `waitForSenders`) to wait for its senders. */
export interface E2EHome {
  cleanup(): void;
  waitForSenders?(timeoutMs?: number): Promise<void>;
}

/** A sink and a private home, fresh for each test and stopped after it. */
export interface E2EContext<H extends E2EHome = TestHome> {
  sink: Sink;
  home: H;
}

/** Options of useE2E. */
export interface E2EOptions<H extends E2EHome = TestHome> {
  /** How the sink answers (default `healthy`). */
  mode?: SinkMode;
  /** Creates each test's home from the sink's URL (default: `createTestHome(sinkUrl)`), e.g. another CLI's home. */
  home?: (sinkUrl: string) => H;
  /** Before removing the home, give its detached senders time to exit (a timeout is not a failure). */
  waitForSenders?: boolean;
}

/** Registers beforeEach/afterEach that start a loopback sink and a home pointed at it, and stop both. */
export function useE2E(mode?: SinkMode): E2EContext;
export function useE2E<H extends E2EHome = TestHome>(options: E2EOptions<H>): E2EContext<H>;
export function useE2E(modeOrOptions: SinkMode | E2EOptions<E2EHome> = {}): E2EContext<E2EHome> {
  const options: E2EOptions<E2EHome> =
    typeof modeOrOptions === 'string' || 'kind' in modeOrOptions ? { mode: modeOrOptions } : modeOrOptions;
  const createHome = options.home ?? ((sinkUrl: string) => createTestHome(sinkUrl));
  const context = {} as E2EContext<E2EHome>;
  beforeEach(async () => {
    context.sink = await startSink({ mode: options.mode ?? 'healthy' });
    context.home = createHome(context.sink.url);
  });
  afterEach(async () => {
    if (options.waitForSenders) await context.home.waitForSenders?.().catch(() => undefined);
    context.home.cleanup();
    await context.sink.close();
  });
  return context;
}

/** Asserts a run left telemetry inert: no request, no spool, no sender (pid file or process), no install id. */
export async function expectInert({ sink, home }: E2EContext): Promise<void> {
  expect(home.senders(), 'no detached sender process').toEqual([]);
  expect(existsSync(home.senderPidFile), 'no sender pid file').toBe(false);
  expect(existsSync(home.spoolFile), 'no spool').toBe(false);
  expect(existsSync(home.explicitSpoolFile), 'no explicit spool').toBe(false);
  expect(home.readConfig()?.installId, 'no install id').toBeUndefined();
  expect(existsSync(home.stateDir), 'no state folder (no log, no spool)').toBe(false);
  // A request could only come from a sender, and there is none; a short grace period proves it.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(sink.requests, 'no request reached the sink').toEqual([]);
}
