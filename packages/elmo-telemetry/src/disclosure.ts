import type { Catalog, EventSpec, PropertySpec } from '@elmo/telemetry-core';
import { ELMO } from './names.js';

function describeKind(spec: PropertySpec): string {
  switch (spec.kind) {
    case 'enum':
      return `one of ${spec.values.map((v) => `\`${v}\``).join(', ')}`;
    case 'enum_list':
      return `list of ${spec.values.map((v) => `\`${v}\``).join(', ')}`;
    case 'count':
      return 'count';
    case 'duration_ms':
      return 'milliseconds';
    case 'hours':
      return 'hours';
    case 'boolean':
      return 'true / false';
    case 'version':
      return 'version number';
    case 'id':
      return 'random UUID';
    case 'rows':
      return `list of at most ${spec.maxRows} rows, each with the columns below`;
  }
}

// A rows property is followed by one line per column, so that every value that can leave is named.
function propertyLines(name: string, spec: PropertySpec): string[] {
  const line = `| \`${name}\` | ${describeKind(spec)} | ${spec.description} |`;
  if (spec.kind !== 'rows') return [line];
  return [
    line,
    ...Object.entries(spec.columns).map(
      ([column, columnSpec]) => `| \`${name}[].${column}\` | ${describeKind(columnSpec)} | ${columnSpec.description} |`,
    ),
  ];
}

function propertyTable(properties: Record<string, PropertySpec>): string[] {
  const rows = Object.entries(properties).flatMap(([name, spec]) => propertyLines(name, spec));
  return rows.length === 0
    ? ['_No properties beyond the common ones._']
    : ['| property | values | meaning |', '|---|---|---|', ...rows];
}

// Who answers for an event, the question it answers and how long it is collected (SPEC §5, §8).
function governance(event: EventSpec): string[] {
  const expires =
    'date' in event.expires
      ? `${event.expires.date} (not sent after this day unless a maintainer renews it)`
      : `never. ${event.expires.never}`;
  return [
    `- Question it answers: ${event.question}`,
    `- Owner: ${event.owner}`,
    `- Added in: ${event.added}`,
    `- Expires: ${expires}`,
  ];
}

// One event's section: heading, purpose, governance and properties (tracked and explicit events alike).
function eventSection(event: EventSpec): string[] {
  return [
    `### \`${event.name}\``,
    '',
    event.purpose,
    '',
    ...governance(event),
    '',
    ...propertyTable(event.properties),
    '',
  ];
}

/** One line per tracked event, for the `init` prompt and the settings page. */
export function collectedSummary(catalog: Catalog): { collected: string[]; neverCollected: string[] } {
  const collected = Object.values(catalog.events)
    .filter((event) => !event.explicit)
    .map((event) => `${event.name}: ${event.purpose}`);
  return { collected, neverCollected: [...catalog.neverCollected] };
}

/** The first-run notice (SPEC §3): one short paragraph, printed on stderr only. */
export function firstRunNotice(catalog: Catalog): string {
  const events = Object.values(catalog.events).filter((e) => !e.explicit).length;
  return [
    `Elmo collects anonymous usage data (${events} kinds of event: which commands run, how long they take, feature counts;`,
    'never names, text, paths, option values or secrets) to decide what to improve. Nothing is sent during this run.',
    `Turn it off with \`${ELMO.binary} telemetry disable\` or ${ELMO.env.doNotTrack}=1; see \`${ELMO.binary} telemetry status\`.`,
  ].join('\n');
}

/** docs/TELEMETRY.md, generated from the catalog (SPEC §8). */
export function renderDisclosure(catalog: Catalog): string {
  const events = Object.values(catalog.events);
  const tracked = events.filter((e) => !e.explicit);
  const explicit = events.filter((e) => e.explicit);
  const lines = [
    '# Telemetry',
    '',
    '<!-- Generated from packages/elmo-telemetry/src/catalog.ts by `pnpm docs:telemetry`. Do not edit by hand. -->',
    '',
    'Elmo collects a small amount of anonymous usage data so that its maintainers can see which features are',
    'used and what to improve. This page lists every event and every property that can leave your machine; it is',
    'generated from the same catalog the code enforces, so anything not listed here is dropped before sending.',
    '',
    `Consent version: ${catalog.consentVersion}. When it is raised, the first-run notice is shown again.`,
    '',
    '## Where events come from',
    '',
    `- The CLI (\`${ELMO.binary}\`): one \`cli_command\` event per command, keyed by an install id (a random UUID stored`,
    `  in \`~/.config/elmo/config.json\`; \`${ELMO.binary} telemetry reset-id\` replaces it).`,
    `- Your local deployment (web app, worker, browser): lifecycle events and counts, keyed by \`${ELMO.env.deploymentId}\``,
    '  (a random UUID written to the deployment `.env` by `elmo init`).',
    '',
    'Neither id is derived from your machine, user name, host name, email or paths. A random session id is',
    'added to each event so events from one run can be grouped; it is never stored.',
    '',
    '## Common properties (on every event)',
    '',
    ...propertyTable(catalog.common),
    '',
    '## Events',
    '',
    'Each event names who answers for it, the question it exists to answer, the Elmo version that added it and',
    'when it expires. A usage metric is collected until its expiry date and is then no longer sent, unless a',
    'maintainer renews it (a test fails 30 days before, so that someone decides); an event that never expires',
    'says why. An expired event is recorded in the local log as dropped (`expired`).',
    '',
  ];
  for (const event of tracked) lines.push(...eventSection(event));
  lines.push('## What is never collected', '', ...catalog.neverCollected.map((item) => `- ${item}`), '');
  lines.push('## The exceptions: the newsletter signup and the deletion request', '');
  for (const event of explicit) {
    lines.push(
      ...eventSection(event),
      ...(event.personProperties
        ? [
            `Person properties set: ${Object.keys(event.personProperties)
              .map((k) => `\`${k}\``)
              .join(', ')}.`,
            '',
          ]
        : []),
    );
  }
  lines.push(
    'If you type your email when `elmo init` offers product updates (or pass `--email`), that single event is',
    'sent even when telemetry is disabled, because typing it is an explicit request:',
    '',
    '- telemetry enabled: the event is keyed by your install id, so it links to your CLI events;',
    '- telemetry disabled: the event is keyed by the email itself and carries no install id, deployment id,',
    '  session id or any other telemetry property, so it cannot be linked to anything else.',
    '',
    'This is the only path that ever sends an email.',
    '',
    '### Forgetting',
    '',
    `\`${ELMO.binary} telemetry disable --forget\` and the Settings page’s “Forget this deployment” turn telemetry off and send`,
    'one `deletion_request` event for each id being forgotten (the install id, the deployment id), keyed by that id',
    'and carrying nothing else: no property, no session id, no other id. It is sent even though telemetry is now',
    'off, because asking for it is an explicit request, and it is the only other event ever sent while telemetry is',
    'disabled. Then the id is replaced (the install id is removed and a new one is made only when telemetry is on',
    'again; the deployment gets a new `DEPLOYMENT_ID`), and events still waiting to be sent under the old id are',
    'dropped, so nothing sent later links to it.',
    '',
    'What the maintainers promise to do with it: within 30 days of receiving a deletion request, delete every event',
    'of that id from PostHog, and keep nothing about it except the request itself, as the record that it was honoured.',
    '',
    '### Anonymous identity: one id per event',
    '',
    `\`${ELMO.env.telemetryId}=ephemeral\` (in the environment, or in the deployment \`.env\` for the web app and worker) gives`,
    'every event a fresh random id and no session id, and stores no install id; the deployment id is not used. No',
    'two events can then be linked by anything in them. Install and update counts still work: the deployment tells',
    'them apart from the version marker in its data folder, not from an id.',
    '',
    '## How to opt out',
    '',
    'The most restrictive setting wins; the order below says which one is named as the reason. Every surface (the',
    'CLI, the web app, the worker, the browser, the background sender) asks the same rules:',
    '',
    `0. A machine policy: the JSON file named by \`${ELMO.env.policyFile}\` (default \`${ELMO.defaultPolicyFile}\`), \`{ "maximum": "off" }\``,
    '   or `"local"`, caps every other setting for every user of the machine. A policy file that cannot be read or',
    '   has no valid `maximum` counts as `off`.',
    `1. \`${ELMO.env.doNotTrack}\` set to a true value in the environment (\`1\`, \`true\`, \`yes\`, …; \`0\`, \`false\`, \`no\`, \`off\` and empty are false).`,
    `2. \`${ELMO.env.disableTelemetry}\` set to a true value in the environment.`,
    `3. The deployment \`.env\`, read live (a running deployment follows it within 5 seconds): \`${ELMO.env.doNotTrack}\` or`,
    `   \`${ELMO.env.disableTelemetry}\` set to a true value, or \`${ELMO.env.telemetryMode}=local\` or \`off\`. A \`.env\` that cannot be read counts as off.`,
    '4. Your choice in `~/.config/elmo/config.json` (`telemetryDisabled: true`, written by `elmo telemetry disable`',
    '   and `elmo init --no-telemetry`). It covers the CLI and every deployment your `elmo` creates or starts, until',
    '   `elmo telemetry enable`: the deployment’s own settings switch cannot turn it back on. A config file that cannot',
    '   be read counts as off.',
    '5. In CI, the CLI sends nothing unless consent was recorded explicitly (`elmo init` or `elmo telemetry enable`).',
    '6. Otherwise telemetry is on; the very first CLI run only shows a notice and sends nothing.',
    '',
    '```sh',
    `${ELMO.binary} telemetry status     # the decision, its reason, what locks it, both ids, the destination`,
    `${ELMO.binary} telemetry disable    # writes both the user config and the deployment .env`,
    `${ELMO.binary} telemetry enable     # reverses both`,
    `${ELMO.binary} telemetry local      # record events in the local log only, send nothing`,
    `${ELMO.binary} telemetry log -n 20  # the latest events sent (or that would have been)`,
    '```',
    '',
    'The web app’s Settings page has the same switch, written by the same code into the deployment `.env`. When a',
    'setting it cannot change forces the decision (the machine policy, an environment variable, a hand-written',
    '`DO_NOT_TRACK` in the `.env`, or your `elmo telemetry disable`), the switch is locked and names that setting. An',
    'environment variable cannot turn telemetry on; it can only turn it off. When telemetry is disabled nothing is',
    'sent, no id is created and no file is written for it. Pending events are dropped, even by a background sender',
    'that is already running: it asks again before every batch and every retry.',
    '',
    `Local mode (\`${ELMO.binary} telemetry local\`, \`${ELMO.env.telemetryMode}=local\` in the deployment \`.env\`, or a machine`,
    'policy of `"local"`) builds every event exactly as it would be sent and writes it to the local log with the',
    'status `local`, and does nothing else: no request, no background sender, no spool, no id created, posthog-js',
    'not loaded, and `/ingest` forwards nothing. The web app and worker keep their heartbeat and usage counts in',
    'this mode, so that the log shows them too; counts made in local mode are never sent when it is turned on.',
    '',
    'No web page can change these settings: the web app refuses every state-changing request that comes from',
    'another site, through a host name that is not its own, or with a body that is not JSON.',
    '',
    '## Where the data goes',
    '',
    `Events go to PostHog: the project set by \`${ELMO.env.posthogHost}\` and \`${ELMO.env.posthogKey}\` (environment or deployment`,
    '`.env`). Without a key, nothing leaves your machine: events are only written to the local log. The CLI never',
    'waits for the network: it writes events to a small spool file and a short-lived background process sends them,',
    'started at most once a minute unless 20 new events wait or a new one has waited a minute (a newsletter signup',
    'at once). Events kept because the endpoint failed are tried again by the first sender a minute later.',
    'The web app and the worker keep events they could not send (at most 1,000 in memory, oldest dropped first)',
    'and try again later with growing pauses; what they could not send before they stopped waits in a small spool',
    'file in the deployment data folder (at most 1,000) and is sent after the next start. Every event keeps one id',
    'throughout, so that PostHog keeps one copy of an event sent twice after an answer was lost.',
    'The browser talks only to the web app’s own `/ingest` route. It is no relay: it reads only the page template of',
    'each page view, counts it, and forwards nothing; the counts leave as one `page_views` event an hour, like the',
    'server’s own usage counts, never with your cookies or address headers. posthog-js is not loaded at all while',
    'telemetry is disabled, in local mode or in preview mode, and keeps nothing in your browser.',
    '',
    'Every event sent, or that would have been, is appended to a local log you can read, with its uuid and what',
    'became of it (sent, queued, dropped and why): `elmo telemetry log` (the CLI) and the Settings page (the',
    'deployment). The newsletter signup is logged too. If the log cannot be written, telemetry keeps working and the',
    'Settings page says so.',
    '',
    `Preview without sending: \`${ELMO.env.debug}=1\` prints each event as JSON on stderr and sends nothing, on every`,
    `surface: the CLI, the web app, the worker and the browser. \`${ELMO.env.logLevel}=trace\` also shows queue activity.`,
    '',
    '## What PostHog itself may record',
    '',
    'PostHog sees the IP address of the machine that sends each request and may store it with the event. Elmo',
    'asks PostHog not to look up a location (`$geoip_disable`) and its `/ingest` route passes on no client address,',
    'but only the PostHog project setting “Discard client IP data” guarantees the IP is not stored.',
    '',
    'Version markers: the deployment writes its version to a marker file in its data folder at every start, even',
    'with telemetry off, so that it can tell an install from an update.',
    '',
  );
  return lines.join('\n');
}
