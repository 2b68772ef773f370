import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { ReceivedEvent } from '@elmo/posthog-sink';
import { failEvery, type SinkProcess, startFakeProvider, startSinkProcess } from '@elmo/test-support';
import { startPostgres } from '@elmo/test-support/postgres';
import { runCliFleet } from './cli-fleet.js';
import { FleetDeployment, HEARTBEAT_MS } from './deployments.js';
import { Ledger } from './ledger.js';

// The simulated fleet of SPEC §11: three deployments on two versions (one updated, one on PostgreSQL with two
// workers, one whose model provider fails every third call), seven CLI installs on two CLI releases, all sending
// to one loopback sink. The script keeps a ledger of what it did; the answers are checked against it.

/** The two product versions of the fleet. */
export const VERSIONS = { old: '0.1.0', new: '0.2.0' } as const;

/** The fleet as the script builds it, for docs/QUESTIONS.md (the counts come from the ledger). */
export const FLEET_DESCRIPTION: readonly string[] = [
  `Deployment \`alpha\`: embedded database, \`offline\` provider; installed on ${VERSIONS.old}, used, then restarted on ${VERSIONS.new} (an update) and used again.`,
  `Deployment \`beta\`: embedded database on ${VERSIONS.new}; reports ask an OpenAI-compatible loopback server (\`openai_compatible\`) that answers every third call with HTTP 500.`,
  `Deployment \`gamma\`: PostgreSQL (\`DATABASE_URL\`) with two worker processes, on ${VERSIONS.old}.`,
  'Use through the web API: brands created, renamed and deleted; prompts created, edited (and once saved unchanged, which is not an edit) and deleted; reports requested and run by the workers; page views posted to `/ingest` as posthog-js does.',
  `CLI installs (private homes) on two CLI releases (${VERSIONS.old}, and ${VERSIONS.new}: the same build beside a package.json of that version): \`init\` with flags (embedded, PostgreSQL, providers, a newsletter address), \`status\` and its alias \`st\`, \`up\` (alias of \`start\`) with a bad port and with a missing deployment, a mistyped command, \`telemetry disable --forget\`, and \`elmo init\` in a real terminal (tmux) interrupted with Ctrl-C at the database, providers and newsletter questions.`,
  'Short intervals through test knobs: `ELMO_TELEMETRY_FLUSH_MS=200`, `ELMO_TELEMETRY_USAGE_MS=500`, `ELMO_TELEMETRY_HEARTBEAT_MS=500` (the product: 30 s, 10 min, 24 h).',
];

/** What the fleet run leaves for the questions: every event the sink received, and the script's ledger. */
export interface FleetRun {
  events: ReceivedEvent[];
  ledger: Ledger;
  /** Web and worker processes the fleet started (all stopped by the time runFleet returns). */
  pids: number[];
  durationMs: number;
}

/** Page views as posthog-js posts them to the web app's own `/ingest` (gzip, text/plain); it counts them into page_views. */
async function viewPages(deployment: FleetDeployment, ledger: Ledger, pages: string[]): Promise<void> {
  const events = pages.map((pathname) => ({
    uuid: randomUUID(),
    event: '$pageview',
    timestamp: new Date().toISOString(),
    properties: {
      token: 'phc_test',
      distinct_id: deployment.id,
      $lib: 'web',
      $pathname: pathname,
      $process_person_profile: false,
    },
  }));
  const response = await fetch(`${deployment.url}/ingest/e/?ip=0&_=${Date.now()}&compression=gzip-js`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: gzipSync(JSON.stringify(events)),
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`/ingest answered ${response.status}`);
  for (const page of pages) ledger.page(deployment.version, page);
}

/** Waits until the sink has received nothing new for `quietMs`. */
async function settle(sink: SinkProcess, quietMs = 1000, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    const count = await sink.count();
    if (count === last || Date.now() > deadline) return;
    last = count;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

/** Runs the whole fleet and stops everything it started. */
export async function runFleet(): Promise<FleetRun> {
  const started = Date.now();
  const ledger = new Ledger();
  ledger.heartbeatMs = HEARTBEAT_MS;
  const sink = await startSinkProcess('healthy');
  const provider = await startFakeProvider({ reply: failEvery(3) });
  const postgres = await startPostgres();
  const deployments: FleetDeployment[] = [];
  let cleanupCli: (() => Promise<void>) | undefined;
  let cli: Promise<void> | undefined;
  try {
    const fleet = (name: string, options: { databaseUrl?: string; providerEnv?: Record<string, string> } = {}) => {
      const created = new FleetDeployment({ name, sink, ledger, ...options });
      deployments.push(created);
      return created;
    };
    // Embedded database, offline provider; installed on the old version, then updated.
    const alpha = fleet('alpha');
    // Embedded database; reports ask an OpenAI-compatible server that fails every third call.
    const beta = fleet('beta', {
      providerEnv: {
        ELMO_PROVIDERS: 'openai_compatible',
        OPENAI_BASE_URL: provider.openaiBaseUrl,
        OPENAI_API_KEY: 'sk-questions-not-a-real-key',
      },
    });
    // PostgreSQL with two workers, staying on the old version.
    const gamma = fleet('gamma', { databaseUrl: postgres.url });

    cli = runCliFleet(sink, ledger, VERSIONS).then((cleanup) => {
      cleanupCli = cleanup;
    });
    // Awaited below; a failure there must not surface as an unhandled rejection meanwhile.
    cli.catch(() => {});

    const alphaScript = async () => {
      await alpha.start(VERSIONS.old);
      const acme = await alpha.createBrand('Acme');
      const globex = await alpha.createBrand('Globex');
      await alpha.renameBrand(acme, 'Acme Corp');
      const first = await alpha.createPrompt(acme, 'best project management tool');
      await alpha.createPrompt(acme, 'acme alternatives');
      await alpha.createPrompt(globex, 'globex reviews');
      await alpha.editPrompt(first, 'best project management tools 2026', true);
      await alpha.editPrompt(first, 'best project management tools 2026', false);
      await alpha.runReport(acme);
      await alpha.call('GET', '/api/brands', '/api/brands');
      await alpha.call('GET', '/api/brands/[id]', `/api/brands/${randomUUID()}`);
      await viewPages(alpha, ledger, ['/', '/brands/[id]', '/brands/[id]']);
      await alpha.stop();

      // The release: the same deployment restarted on the new version.
      await alpha.start(VERSIONS.new, 1, true);
      const added = await alpha.createPrompt(acme, 'acme pricing');
      await alpha.deletePrompt(acme, added);
      await alpha.deleteBrand(globex);
      await alpha.runReport(acme);
      await alpha.call('GET', '/api/reports', '/api/reports');
      await viewPages(alpha, ledger, ['/', '/reports/[id]', '/settings']);
      alpha.recordTotals();
      await alpha.stop();
    };

    const betaScript = async () => {
      await beta.start(VERSIONS.new);
      const brand = await beta.createBrand('Initech');
      for (const text of ['initech crm', 'initech vs acme', 'initech support', 'initech pricing']) {
        await beta.createPrompt(brand, text);
      }
      await beta.runReport(brand);
      await beta.runReport(brand);
      await viewPages(beta, ledger, ['/', '/reports/[id]']);
      beta.recordTotals();
      await beta.stop();
      for (const call of provider.calls) {
        ledger.providerCall('openai_compatible', call.status === 200 ? undefined : 'server');
      }
    };

    const gammaScript = async () => {
      await gamma.start(VERSIONS.old, 2);
      const brand = await gamma.createBrand('Umbrella');
      await gamma.createPrompt(brand, 'umbrella insurance');
      const second = await gamma.createPrompt(brand, 'umbrella reviews');
      await gamma.editPrompt(second, 'umbrella corp reviews', true);
      await gamma.runReport(brand);
      await gamma.call('GET', '/api/brands/[id]/prompts', `/api/brands/${brand}/prompts`);
      await viewPages(gamma, ledger, ['/']);
      gamma.recordTotals();
      await gamma.stop();
    };

    // Two cores: the deployments take turns starting; the CLI installs run beside them.
    await alphaScript();
    await Promise.all([betaScript(), gammaScript()]);
    await cli;
    await settle(sink);
    return {
      events: await sink.events(),
      ledger,
      pids: deployments.flatMap((d) => d.pids),
      durationMs: Date.now() - started,
    };
  } finally {
    // A deployment that failed leaves the CLI side running: let it end (it cleans up after itself on failure).
    await cli?.catch(() => {});
    await Promise.all(deployments.map((d) => d.remove()));
    await cleanupCli?.();
    await provider.close();
    await postgres.stop();
    await sink.stop();
  }
}
