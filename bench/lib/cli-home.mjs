// A private, realistic world for running the built `elmo` CLI in benchmarks: @elmo/test-support's TestHome
// (home, XDG folders and deployment folder in a temp folder, an explicit environment that never inherits the
// bench's own: CI=true there would turn telemetry off), with the bench's key and a longer wait for senders.
import { createTestHome } from '@elmo/test-support';

/** How long to wait for a detached sender: against a hanging endpoint it lives up to its 30 s cap. */
const SENDER_WAIT_MS = 40_000;

/**
 * Creates a temp home for the CLI pointed at `sinkUrl`; `extraEnv` (e.g. the sender cap knob) is in every run.
 * The CLI keeps its own sender throttle (at most one detached sender a minute unless events wait): the test
 * homes' knob that starts one on every run is left out, so the bench measures the product's default.
 */
export function createCliHome(sinkUrl, extraEnv = {}) {
  const home = createTestHome(sinkUrl, {
    prefix: 'elmo-bench-cli-',
    env: { ELMO_POSTHOG_KEY: 'phc_bench', ELMO_TELEMETRY_SENDER_INTERVAL_MS: undefined, ...extraEnv },
  });
  return { ...home, waitForSenders: (timeoutMs = SENDER_WAIT_MS) => home.waitForSenders(timeoutMs) };
}

/**
 * Runs `elmo init --yes --telemetry` once, so that consent is recorded, the first-run notice was shown, and
 * an install id and a deployment exist: the state of a user who set Elmo up and now runs commands.
 */
export async function initCliHome(cliHome) {
  const result = await cliHome.run(['init', '--yes', '--telemetry'], { timeoutMs: 30_000 });
  if (result.code !== 0) throw new Error(`elmo init failed (${result.code}): ${result.stderr}`);
  await cliHome.waitForSenders();
}
