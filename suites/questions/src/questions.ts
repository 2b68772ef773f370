import { FEATURE_COUNTERS, INIT_STEPS } from '@elmo/elmo-telemetry';
import {
  type Breakdown,
  bool,
  breakdown,
  distinctBy,
  distinctIds,
  funnel,
  latestPerId,
  list,
  named,
  nonZero,
  num,
  percentile,
  personProperty,
  rowsAsEvents,
  type StoredEvent,
  str,
  sumBy,
} from './queries.js';
import { defineQuestion, type Question } from './question.js';

// SPEC §11's questions, each answered from the sink's events alone through the events and properties it declares.

const version = (e: StoredEvent) => str(e, 'product_version');
const table = (values: Breakdown, empty = 'none'): string =>
  Object.keys(values).length === 0
    ? empty
    : Object.entries(values)
        .map(([k, n]) => `\`${k}\` ${n}`)
        .join(', ');

const LIFECYCLE = ['component', 'product_version'] as const;

export const deploymentsByVersion = defineQuestion({
  id: 'deployments-by-version',
  text: 'How many deployments run, and on which versions?',
  seeds: ['003', '002'],
  needs: [
    { event: 'deployment_started', properties: LIFECYCLE },
    { event: 'heartbeat', properties: LIFECYCLE },
  ],
  answer(events) {
    // A deployment is one distinct_id (SPEC §5); it runs the version of its latest lifecycle event.
    const latest = latestPerId(events);
    const starts = named(events, 'deployment_started');
    return {
      deployments: distinctIds(events),
      byVersion: breakdown([...latest.values()], version),
      componentStarts: breakdown(starts, (e) => str(e, 'component')),
    };
  },
  render: (a) => [
    `${a.deployments} deployments; by the version they run now: ${table(a.byVersion)}.`,
    `Component processes started (one \`deployment_started\` each): ${table(a.componentStarts)}.`,
  ],
});

export const cliCommands = defineQuestion({
  id: 'cli-commands',
  text: 'How many installs run which commands, with which aliases, how long do they take and how often do they fail?',
  seeds: ['001', '004'],
  needs: [
    {
      event: 'cli_command',
      properties: ['command', 'called_as', 'duration_ms', 'status', 'error_code', 'flags', 'product_version'],
    },
  ],
  answer(events) {
    const commands: Record<
      string,
      { runs: number; installs: number; failed: number; aliases: Breakdown; errors: Breakdown }
    > = {};
    const durations: Record<string, { p50: number; p95: number; max: number }> = {};
    for (const command of Object.keys(breakdown(events, (e) => str(e, 'command')))) {
      const runs = events.filter((e) => str(e, 'command') === command);
      const failed = runs.filter((e) => str(e, 'status') !== 'success');
      commands[command] = {
        runs: runs.length,
        installs: distinctIds(runs),
        failed: failed.length,
        aliases: breakdown(runs, (e) => str(e, 'called_as')),
        errors: breakdown(failed, (e) => `${str(e, 'status')}:${str(e, 'error_code') ?? 'none'}`),
      };
      const ms = runs.map((e) => num(e, 'duration_ms')).filter((v): v is number => v !== undefined);
      durations[command] = {
        p50: percentile(ms, 50) ?? 0,
        p95: percentile(ms, 95) ?? 0,
        max: Math.max(0, ...ms),
      };
    }
    return {
      installs: distinctIds(events),
      installsByVersion: distinctBy(events, version),
      commands,
      flags: breakdown(events, (e) => list(e, 'flags')),
      durations,
    };
  },
  render: (a) => [
    `${a.installs} installs sent commands; installs by CLI version: ${table(a.installsByVersion)}.`,
    '',
    '| command | runs | installs | aliases typed | failed | how |',
    '|---|---|---|---|---|---|',
    ...Object.entries(a.commands).map(
      ([command, c]) =>
        `| \`${command}\` | ${c.runs} | ${c.installs} | ${table(c.aliases, '—')} | ${c.failed} of ${c.runs} | ${table(c.errors, '—')} |`,
    ),
    '',
    `Options used (names only, runs using each): ${table(a.flags)}.`,
  ],
});

export const promptsTracked = defineQuestion({
  id: 'prompts-tracked',
  text: 'How many prompts are tracked across all deployments?',
  seeds: ['003'],
  needs: [{ event: 'feature_usage', properties: ['prompts_total', 'brands_total'] }],
  answer(events) {
    // Each deployment's latest totals, summed: the fleet's count now.
    const latest = [...latestPerId(events.filter((e) => num(e, 'prompts_total') !== undefined)).values()];
    return {
      prompts: latest.reduce((sum, e) => sum + (num(e, 'prompts_total') ?? 0), 0),
      brands: latest.reduce((sum, e) => sum + (num(e, 'brands_total') ?? 0), 0),
      deploymentsReporting: latest.length,
    };
  },
  render: (a) => [
    `${a.prompts} prompts (in ${a.brands} brands) across the ${a.deploymentsReporting} deployments that reported usage: each deployment's latest \`prompts_total\`, summed.`,
  ],
});

export const featuresAfterRelease = defineQuestion({
  id: 'features-after-release',
  text: 'Which features are used after a release?',
  seeds: ['003', '004'],
  needs: [{ event: 'feature_usage', properties: [...FEATURE_COUNTERS, 'product_version'] }],
  answer(events) {
    const byVersion: Record<string, Breakdown> = {};
    for (const v of Object.keys(breakdown(events, version))) {
      const of = events.filter((e) => version(e) === v);
      const counts: Breakdown = {};
      for (const counter of FEATURE_COUNTERS) counts[counter] = of.reduce((sum, e) => sum + (num(e, counter) ?? 0), 0);
      byVersion[v] = nonZero(counts);
    }
    return byVersion;
  },
  render: (a) => Object.entries(a).map(([v, counts]) => `- version \`${v}\`: ${table(counts)}`),
});

const ERROR_KINDS = ['timeout', 'rate_limited', 'auth', 'server', 'other'] as const;

export const providers = defineQuestion({
  id: 'providers',
  text: 'Which model providers are most popular, and which ones produce the most errors?',
  seeds: ['003'],
  needs: [
    { event: 'deployment_started', properties: ['providers'] },
    { event: 'cli_init', properties: ['providers', 'completed'] },
    {
      event: 'provider_usage',
      properties: ['provider', 'requests', ...ERROR_KINDS.map((k) => `errors_${k}`), 'p50_ms', 'p95_ms'],
    },
  ],
  answer(events) {
    const usage = named(events, 'provider_usage');
    const latestStart = [...latestPerId(named(events, 'deployment_started')).values()];
    const errors: Record<string, Breakdown> = {};
    for (const provider of Object.keys(breakdown(usage, (e) => str(e, 'provider')))) {
      const of = usage.filter((e) => str(e, 'provider') === provider);
      const kinds: Breakdown = {};
      for (const kind of ERROR_KINDS) kinds[kind] = of.reduce((sum, e) => sum + (num(e, `errors_${kind}`) ?? 0), 0);
      errors[provider] = nonZero(kinds);
    }
    const completedInits = named(events, 'cli_init').filter((e) => bool(e, 'completed') === true);
    return {
      configuredBy: breakdown(latestStart, (e) => list(e, 'providers')),
      chosenInInit: breakdown(completedInits, (e) => list(e, 'providers')),
      requests: sumBy(
        usage,
        (e) => str(e, 'provider'),
        (e) => num(e, 'requests'),
      ),
      errors,
      slowestP95: Object.fromEntries(
        Object.keys(errors).map((p) => [
          p,
          Math.max(0, ...usage.filter((e) => str(e, 'provider') === p).map((e) => num(e, 'p95_ms') ?? 0)),
        ]),
      ) as Breakdown,
    };
  },
  render: (a) => [
    `Deployments configured with each provider: ${table(a.configuredBy)}. Chosen in completed \`elmo init\` runs: ${table(a.chosenInInit)}.`,
    `Calls made: ${table(a.requests)}.`,
    ...Object.entries(a.errors).map(
      ([p, kinds]) =>
        `- \`${p}\`: ${table(kinds, 'no errors')} of ${a.requests[p] ?? 0} calls${
          (a.requests[p] ?? 0) > 0
            ? ` (${Math.round((100 * Object.values(kinds).reduce((s, n) => s + n, 0)) / (a.requests[p] ?? 1))} % failed)`
            : ''
        }`,
    ),
  ],
});

export const initFunnel = defineQuestion({
  id: 'init-funnel',
  text: 'How often does `elmo init` complete, and at which step does it drop off?',
  seeds: ['003'],
  needs: [{ event: 'cli_init', properties: ['completed', 'last_step'] }],
  answer(events) {
    const steps = events.map((e) => str(e, 'last_step')).filter((s): s is string => s !== undefined);
    const dropped = events.filter((e) => bool(e, 'completed') === false);
    return {
      runs: events.length,
      completed: events.filter((e) => bool(e, 'completed') === true).length,
      droppedAt: breakdown(dropped, (e) => str(e, 'last_step')),
      funnel: funnel(steps, INIT_STEPS),
    };
  },
  render: (a) => [
    `${a.completed} of the ${a.runs} \`init\` runs that sent \`cli_init\` completed; the others stopped at: ${table(a.droppedAt)}.`,
    `Funnel (runs that reached each step): ${INIT_STEPS.map((s) => `${s} ${a.funnel[s] ?? 0}`).join(' → ')}.`,
  ],
});

export const databaseMode = defineQuestion({
  id: 'database-mode',
  text: 'Which database mode is more common?',
  seeds: ['003'],
  needs: [
    { event: 'cli_init', properties: ['database_mode', 'completed'] },
    { event: 'deployment_started', properties: ['database_mode'] },
  ],
  answer(events) {
    const latestStart = [...latestPerId(named(events, 'deployment_started')).values()];
    // A completed init wrote its choice into the deployment; an interrupted one configured nothing.
    const completed = named(events, 'cli_init').filter((e) => bool(e, 'completed') === true);
    return {
      inits: breakdown(completed, (e) => str(e, 'database_mode')),
      deployments: breakdown(latestStart, (e) => str(e, 'database_mode')),
    };
  },
  render: (a) => [
    `Chosen in completed \`elmo init\` runs: ${table(a.inits)}. Deployments running on each: ${table(a.deployments)}.`,
  ],
});

export const installsAndUpdates = defineQuestion({
  id: 'installs-updates',
  text: 'How many installs and updates are there, per version?',
  seeds: ['000'],
  needs: [
    { event: 'install_complete', properties: ['product_version'] },
    { event: 'update_complete', properties: ['product_version', 'old_version'] },
  ],
  answer: (events) => ({
    installs: breakdown(named(events, 'install_complete'), version),
    updates: breakdown(named(events, 'update_complete'), (e) => `${str(e, 'old_version')} → ${version(e)}`),
  }),
  render: (a) => [`Installs per version: ${table(a.installs)}. Updates: ${table(a.updates)}.`],
});

export const uptime = defineQuestion({
  id: 'uptime',
  text: 'How long do long-running deployments stay up?',
  seeds: ['002'],
  needs: [
    { event: 'heartbeat', properties: ['component', 'uptime_hours', 'os_release'] },
    { event: 'deployment_stopped', properties: ['component', 'runtime_hours', 'os_release'] },
  ],
  answer(events) {
    const heartbeats = named(events, 'heartbeat');
    const stops = named(events, 'deployment_stopped');
    const hours = (e: StoredEvent) => num(e, 'uptime_hours') ?? num(e, 'runtime_hours') ?? 0;
    return {
      stopped: breakdown(stops, (e) => str(e, 'component')),
      heartbeats: breakdown(heartbeats, (e) => str(e, 'component')),
      deploymentsWithHeartbeat: distinctIds(heartbeats),
      longestRuntimeHours: Math.max(0, ...stops.map(hours)),
      longestHeartbeatUptimeHours: Math.max(0, ...heartbeats.map(hours)),
      osReleases: distinctBy([...heartbeats, ...stops], (e) => str(e, 'os_release')),
    };
  },
  render: (a) => [
    `Components stopped (one \`deployment_stopped\` with its \`runtime_hours\` each): ${table(a.stopped)}.`,
    `Deployments that sent \`heartbeat\` while running: ${a.deploymentsWithHeartbeat}.`,
  ],
});

export const apiRoutes = defineQuestion({
  id: 'api-routes',
  text: 'Which API routes are used, and how slow are they, by template?',
  seeds: ['004'],
  // One api_requests event an hour, a row per route template, method and status class (columns route, method,
  // status_class, count, p50_ms, p95_ms).
  needs: [
    {
      event: 'api_requests',
      properties: [
        'rows[].route',
        'rows[].method',
        'rows[].status_class',
        'rows[].count',
        'rows[].p50_ms',
        'rows[].p95_ms',
      ],
    },
  ],
  answer(hourly) {
    const events = rowsAsEvents(hourly);
    const key = (e: StoredEvent) => `${str(e, 'method')} ${str(e, 'route')} ${str(e, 'status_class')}`;
    const slowest: Record<string, { p50: number; p95: number }> = {};
    for (const e of events) {
      const route = `${str(e, 'method')} ${str(e, 'route')}`;
      const row = slowest[route] ?? { p50: 0, p95: 0 };
      // Aggregated per hour: the worst hour's percentiles are what a dashboard would flag.
      slowest[route] = { p50: Math.max(row.p50, num(e, 'p50_ms') ?? 0), p95: Math.max(row.p95, num(e, 'p95_ms') ?? 0) };
    }
    return { requests: sumBy(events, key, (e) => num(e, 'count')), slowest };
  },
  render: (a) => [
    '| method, route template, status | requests |',
    '|---|---|',
    ...Object.entries(a.requests).map(([k, n]) => `| \`${k}\` | ${n} |`),
  ],
});

export const pagesAfterRelease = defineQuestion({
  id: 'pages-after-release',
  text: 'Which pages of the web app are used after a release?',
  seeds: ['004', '003'],
  // One page_views event an hour, a row per page template (columns page, views), counted by the server.
  needs: [{ event: 'page_views', properties: ['rows[].page', 'rows[].views', 'product_version'] }],
  answer(hourly) {
    const events = rowsAsEvents(hourly);
    const byVersion: Record<string, Breakdown> = {};
    for (const v of Object.keys(breakdown(events, version))) {
      byVersion[v] = sumBy(
        events.filter((e) => version(e) === v),
        (e) => str(e, 'page'),
        (e) => num(e, 'views'),
      );
    }
    return byVersion;
  },
  render: (a) => Object.entries(a).map(([v, pages]) => `- version \`${v}\`: ${table(pages)}`),
});

export const newsletter = defineQuestion({
  id: 'newsletter',
  text: 'Who asked to be emailed product updates?',
  seeds: ['003'],
  needs: [{ event: 'newsletter_signup', properties: ['source'], personProperties: ['email'] }],
  answer(events) {
    const emails = events.map((e) => personProperty(e, 'email')).filter((v): v is string => v !== undefined);
    return {
      signups: events.length,
      people: new Set(emails).size,
      bySource: breakdown(events, (e) => str(e, 'source')),
      // Linked to an install (telemetry on) when the distinct id is not the address itself (SPEC §6).
      linkedToInstall: events.filter((e) => e.distinctId !== personProperty(e, 'email')).length,
    };
  },
  render: (a) => [
    `Signups: ${a.signups}, from ${a.people} distinct address(es) (source: ${table(a.bySource)}); ${a.linkedToInstall} linked to an install id, ${a.signups - a.linkedToInstall} keyed by the address alone.`,
  ],
});

export const deletionRequests = defineQuestion({
  id: 'deletion-requests',
  text: 'Which ids’ events must be deleted, because their owner asked to be forgotten?',
  seeds: ['003', '000'],
  needs: [{ event: 'deletion_request' }],
  answer: (events) => ({ ids: [...new Set(events.map((e) => e.distinctId))].sort() }),
  render: (a) => [`${a.ids.length} id(s) to delete (the ids themselves are random and not shown here).`],
});

/** Every question the suite answers; docs/QUESTIONS.md lists them in this order. */
export const QUESTIONS: readonly Question<unknown>[] = [
  deploymentsByVersion,
  installsAndUpdates,
  cliCommands,
  initFunnel,
  databaseMode,
  promptsTracked,
  featuresAfterRelease,
  pagesAfterRelease,
  providers,
  uptime,
  apiRoutes,
  newsletter,
  deletionRequests,
];

/**
 * Catalog events no question reads, each with the reason. Empty: every event answers a question. An entry here
 * is the way to keep an event that answers "who asked" rather than a usage question.
 */
export const UNASKED: Readonly<Record<string, string>> = {};
