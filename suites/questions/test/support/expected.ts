import { INIT_STEPS } from '@elmo/elmo-telemetry';
import { funnel } from '../../src/queries.js';
import { type ComponentRun, countBy, type Ledger, plain } from './ledger.js';

// Each question's answer as the ledger says it must be: the same shape the question computes from the sink.

/** Each deployment's last component run (the version, mode and providers it runs now). */
function latestPerDeployment(ledger: Ledger): ComponentRun[] {
  const latest = new Map<string, ComponentRun>();
  for (const run of ledger.components) latest.set(run.deploymentId, run);
  return [...latest.values()];
}

const sentCli = (ledger: Ledger) => ledger.cli.filter((run) => run.sent && run.command !== undefined);
const sentInits = (ledger: Ledger) => ledger.inits.filter((run) => run.sent);

export function expectedDeployments(ledger: Ledger) {
  return {
    deployments: new Set(ledger.components.map((c) => c.deploymentId)).size,
    byVersion: countBy(latestPerDeployment(ledger), (c) => c.version),
    componentStarts: countBy(ledger.components, (c) => c.component),
  };
}

export function expectedInstallsAndUpdates(ledger: Ledger) {
  return { installs: plain(ledger.installs), updates: plain(ledger.updates) };
}

export function expectedCommands(ledger: Ledger) {
  const runs = sentCli(ledger);
  const commands: Record<string, unknown> = {};
  for (const command of Object.keys(countBy(runs, (r) => r.command))) {
    const of = runs.filter((r) => r.command === command);
    const failed = of.filter((r) => r.status !== 'success');
    commands[command] = {
      runs: of.length,
      installs: new Set(of.map((r) => r.install)).size,
      failed: failed.length,
      aliases: countBy(of, (r) => r.alias),
      errors: countBy(failed, (r) => `${r.status}:${r.errorCode ?? 'none'}`),
    };
  }
  const versions = [...new Set(runs.map((r) => r.version))].sort();
  const installsByVersion = Object.fromEntries(
    versions.map((v) => [v, new Set(runs.filter((r) => r.version === v).map((r) => r.install)).size]),
  );
  return {
    installs: new Set(runs.map((r) => r.install)).size,
    installsByVersion,
    commands,
    flags: countBy(runs, (r) => r.flags),
  };
}

/** The slowest wall time the script measured per command (an upper bound of its `duration_ms`). */
export function slowestRun(ledger: Ledger): Record<string, number> {
  const slowest: Record<string, number> = {};
  for (const run of sentCli(ledger)) {
    if (run.command) slowest[run.command] = Math.max(slowest[run.command] ?? 0, run.wallMs);
  }
  return slowest;
}

export function expectedInitFunnel(ledger: Ledger) {
  const inits = sentInits(ledger);
  return {
    runs: inits.length,
    completed: inits.filter((i) => i.completed).length,
    droppedAt: countBy(
      inits.filter((i) => !i.completed),
      (i) => i.lastStep,
    ),
    funnel: funnel(
      inits.map((i) => i.lastStep),
      INIT_STEPS,
    ),
  };
}

export function expectedDatabaseModes(ledger: Ledger) {
  return {
    inits: countBy(
      sentInits(ledger).filter((i) => i.completed),
      (i) => i.databaseMode,
    ),
    deployments: countBy(latestPerDeployment(ledger), (c) => c.databaseMode),
  };
}

export function expectedPrompts(ledger: Ledger) {
  const totals = [...ledger.totals.values()];
  return {
    prompts: totals.reduce((sum, t) => sum + t.prompts, 0),
    brands: totals.reduce((sum, t) => sum + t.brands, 0),
    deploymentsReporting: totals.length,
  };
}

export function expectedFeatures(ledger: Ledger) {
  return Object.fromEntries([...ledger.features].sort().map(([version, counts]) => [version, plain(counts)]));
}

export function expectedPages(ledger: Ledger) {
  return Object.fromEntries([...ledger.pages].sort().map(([version, counts]) => [version, plain(counts)]));
}

export function expectedProviders(ledger: Ledger) {
  const rows = [...ledger.providerCalls].sort(([a], [b]) => (a < b ? -1 : 1));
  return {
    configuredBy: countBy(latestPerDeployment(ledger), (c) => c.providers),
    chosenInInit: countBy(
      sentInits(ledger).filter((i) => i.completed),
      (i) => i.providers,
    ),
    requests: Object.fromEntries(rows.map(([provider, row]) => [provider, row.requests])),
    errors: Object.fromEntries(rows.map(([provider, row]) => [provider, plain(row.errors)])),
  };
}

export function expectedStops(ledger: Ledger) {
  return countBy(ledger.components, (c) => c.component);
}

export function expectedApiRequests(ledger: Ledger) {
  return plain(ledger.api);
}

export function expectedNewsletter(ledger: Ledger) {
  return {
    signups: ledger.newsletter.length,
    people: new Set(ledger.newsletter.map((n) => n.email)).size,
    bySource: ledger.newsletter.length > 0 ? { cli_init: ledger.newsletter.length } : {},
    linkedToInstall: ledger.newsletter.filter((n) => n.linked).length,
  };
}

export function expectedDeletionRequests(ledger: Ledger) {
  return { ids: [...ledger.forgotten].sort() };
}
