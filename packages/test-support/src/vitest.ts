import { existsSync } from 'node:fs';
import { type Sink, type SinkMode, startSink } from '@elmo/posthog-sink';
import { afterEach, beforeEach, expect } from 'vitest';
import { createTestHome, type TestHome } from './test-home.js';

// Vitest hooks and assertions for the end-to-end tests of the built `elmo` (imports vitest, so its own entry).

/** A sink and a private home, fresh for each test and stopped after it. */
export interface E2EContext {
  sink: Sink;
  home: TestHome;
}

/** Registers beforeEach/afterEach that start a loopback sink and a TestHome pointed at it, and stop both. */
export function useE2E(mode: SinkMode = 'healthy'): E2EContext {
  const context = {} as E2EContext;
  beforeEach(async () => {
    context.sink = await startSink({ mode });
    context.home = createTestHome(context.sink.url);
  });
  afterEach(async () => {
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
