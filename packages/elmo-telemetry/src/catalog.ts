import { defineCatalog, defineEvent, prop } from '@elmo/telemetry-core';
import {
  API_METHODS,
  API_ROUTES,
  CLI_ERROR_CODES,
  CLI_FLAGS,
  COMMAND_ALIASES,
  DATABASE_MODES,
  DEPLOYMENT_MODES,
  ELMO,
  INIT_STEPS,
  PAGE_ROUTES,
  PROVIDERS,
  STATUS_CLASSES,
  TRACKED_COMMANDS,
} from './names.js';

const COMPONENTS = ['web', 'worker'] as const;
// Who answers for Elmo's events (SPEC §5): the maintainers' GitHub team.
const OWNER = '@elmohq/maintainers';
// Usage metrics are temporary (Glean's rule): renewed here by a maintainer, or they stop being sent after this day.
// catalog.test.ts fails 30 days before it, so that the choice is made in time.
const USAGE_METRICS_EXPIRE = '2027-12-31';
// A plain address check: enough to refuse typos, never used to decide what else is sent.
const EMAIL =
  /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;

/** Whether a string is an email address the newsletter signup accepts. */
export function isValidEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

/**
 * Elmo's event catalog: the only events and properties that can leave the machine. `docs/TELEMETRY.md`,
 * the `init` prompt, the first-run notice and the settings page are all generated from it.
 */
export const elmoCatalog = defineCatalog({
  // Raise this whenever an event or property is added, so that everyone sees the notice again.
  // 3: page views are counted per page template on the server (page_views) instead of sent one by one.
  consentVersion: 3,
  common: {
    event_version: prop.count('Version of the event’s own shape, raised when its properties change.'),
    product_version: prop.version('Elmo version, e.g. 0.1.0.'),
    os: prop.enum(
      ['linux', 'darwin', 'win32', 'freebsd', 'openbsd', 'sunos', 'aix', 'android'],
      'Operating system family.',
    ),
    arch: prop.enum(['x64', 'arm64', 'arm', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64'], 'Processor architecture.'),
    node_version: prop.version('Node.js version.'),
    source: prop.enum(['cli', 'web', 'worker', 'browser'], 'Which part of Elmo sent the event.'),
    deployment_mode: prop.enum(
      DEPLOYMENT_MODES,
      'How Elmo is deployed: `local` (default), `whitelabel` (ELMO_DEPLOYMENT_MODE), `development` (`elmo start --dev`).',
    ),
    session_id: prop.id('A random id for one process run (one CLI command, one server start); never stored.'),
  },
  neverCollected: [
    'API keys, tokens, passwords, `.env` contents or any other secret',
    'Brand names, prompt text, report contents or any other text you type',
    'Option values, positional arguments, file paths, repository paths, host names or URLs',
    'Error messages, logs or stack traces (only a stable error code)',
    'Your name, user name, email (except the newsletter signup below), or anything derived from your machine',
    'Cookies or browser storage: the web app’s analytics keeps nothing in your browser',
  ],
  events: [
    defineEvent({
      name: 'cli_command',
      purpose: 'An elmo command ran: which one, how long it took and how it ended.',
      version: 1,
      owner: OWNER,
      question:
        'How many installs run which commands, with which aliases, how long do they take and how often do they fail?',
      added: '0.1.0',
      expires: { date: USAGE_METRICS_EXPIRE },
      properties: {
        command: prop.enum(TRACKED_COMMANDS, 'The command, without arguments (`unknown` for a mistyped one).'),
        called_as: prop.enum(
          Object.keys(COMMAND_ALIASES) as (keyof typeof COMMAND_ALIASES)[],
          'The alias typed, if an alias was used.',
        ),
        duration_ms: prop.durationMs('How long the command took.'),
        status: prop.enum(['success', 'failure', 'interrupted', 'invalid'], 'How the command ended.'),
        error_code: prop.enum(CLI_ERROR_CODES, 'A stable error code when it failed; never the message.'),
        is_interactive: prop.boolean('Whether it ran in an interactive terminal.'),
        is_ci: prop.boolean('Whether it ran in a CI environment.'),
        flags: prop.enumList(CLI_FLAGS, 'Names of the options used (never their values).'),
      },
    }),
    defineEvent({
      name: 'cli_init',
      purpose:
        '`elmo init` finished, or was interrupted after telemetry was allowed: the non-secret choices made and the step reached.',
      version: 2,
      owner: OWNER,
      question:
        'How often does `elmo init` complete, at which step does it drop off, and which database mode is more common?',
      added: '0.1.0',
      expires: { date: USAGE_METRICS_EXPIRE },
      properties: {
        database_mode: prop.enum(DATABASE_MODES, 'Embedded database or an existing PostgreSQL.'),
        telemetry_answered: prop.boolean('Whether the telemetry question was answered (rather than defaulted).'),
        newsletter_answered: prop.boolean('Whether the newsletter question was answered.'),
        deployment_existed: prop.boolean('Whether a deployment already existed.'),
        is_interactive: prop.boolean('Whether the prompts were shown.'),
        providers: prop.enumList(PROVIDERS, 'The model providers chosen (never a key or a URL).'),
        completed: prop.boolean('Whether `init` ran to the end (false: interrupted, e.g. Ctrl-C at a question).'),
        last_step: prop.enum(
          INIT_STEPS,
          'The last step reached, in the order database, telemetry, providers, newsletter, written.',
        ),
      },
    }),
    defineEvent({
      name: 'newsletter_signup',
      purpose: 'You asked for product updates by typing your email in `elmo init` (the one explicit exception).',
      version: 1,
      owner: OWNER,
      question: 'Who asked to be emailed product updates?',
      added: '0.1.0',
      expires: { never: 'An explicit request, honoured whenever someone makes it; it is not usage data.' },
      explicit: true,
      properties: { source: prop.enum(['cli_init'], 'Where the signup came from.') },
      personProperties: { email: { description: 'The email address you typed.', pattern: EMAIL } },
    }),
    defineEvent({
      name: 'deletion_request',
      purpose:
        'You asked to be forgotten (`elmo telemetry disable --forget`, or "Forget this deployment" on the Settings page): keyed by the id being forgotten, so that the maintainers can delete every event of it; the id is replaced afterwards.',
      version: 1,
      owner: OWNER,
      question: 'Which id’s events must be deleted, because its owner asked to be forgotten?',
      added: '0.1.0',
      expires: {
        never: 'Honouring a request to be forgotten must keep working for as long as any id can have been sent.',
      },
      explicit: true,
      properties: {},
    }),
    defineEvent({
      name: 'install_complete',
      purpose: 'A deployment started for the first time (no version marker in its data folder).',
      version: 1,
      owner: OWNER,
      question: 'How many installs and updates are there, per version?',
      added: '0.1.0',
      expires: { never: 'A lifecycle event: the count of deployments per version rests on it.' },
      properties: {},
    }),
    defineEvent({
      name: 'update_complete',
      purpose: 'A deployment started with a new Elmo version.',
      version: 1,
      owner: OWNER,
      question: 'How many installs and updates are there, per version?',
      added: '0.1.0',
      expires: { never: 'A lifecycle event: the count of deployments per version rests on it.' },
      properties: { old_version: prop.version('The version it ran before.') },
    }),
    defineEvent({
      name: 'deployment_started',
      purpose: 'The web app or a worker became ready (one event per component process).',
      version: 2,
      owner: OWNER,
      question: 'How many deployments run, and on which versions?',
      added: '0.1.0',
      expires: { never: 'A lifecycle event: the count of running deployments rests on it.' },
      properties: {
        component: prop.enum(COMPONENTS, 'Which component.'),
        database_mode: prop.enum(DATABASE_MODES, 'Embedded database or PostgreSQL (DATABASE_URL).'),
        providers: prop.enumList(PROVIDERS, 'The model providers configured (ELMO_PROVIDERS; never a key or a URL).'),
      },
    }),
    defineEvent({
      name: 'heartbeat',
      purpose: 'Sent every 24 hours while a component runs.',
      version: 2,
      owner: OWNER,
      question: 'How many deployments run, on which versions, and how long do long-running ones stay up?',
      added: '0.1.0',
      expires: { never: 'A lifecycle event: the count of running deployments and their uptime rest on it.' },
      properties: {
        component: prop.enum(COMPONENTS, 'Which component.'),
        uptime_hours: prop.hours('Hours since the component started.'),
        os_release: prop.version('Operating system kernel release, major.minor only (e.g. 6.1).'),
      },
    }),
    defineEvent({
      name: 'deployment_stopped',
      purpose: 'A component is shutting down.',
      version: 2,
      owner: OWNER,
      question: 'How long do long-running deployments stay up?',
      added: '0.1.0',
      expires: { never: 'A lifecycle event: uptime rests on it.' },
      properties: {
        component: prop.enum(COMPONENTS, 'Which component.'),
        runtime_hours: prop.hours('Hours it ran.'),
        os_release: prop.version('Operating system kernel release, major.minor only (e.g. 6.1).'),
      },
    }),
    defineEvent({
      name: 'feature_usage',
      purpose: 'How often features were used, counted in memory and sent every 10 minutes and at shutdown.',
      version: 2,
      owner: OWNER,
      question: 'How many prompts are tracked across all deployments, and which features are used after a release?',
      added: '0.1.0',
      expires: { date: USAGE_METRICS_EXPIRE },
      properties: {
        brands_created: prop.count('Brands created.'),
        brands_renamed: prop.count('Brands renamed.'),
        brands_deleted: prop.count('Brands deleted.'),
        prompts_created: prop.count('Prompts created.'),
        prompts_edited: prop.count('Prompts edited.'),
        prompts_deleted: prop.count('Prompts deleted.'),
        reports_requested: prop.count('Reports asked for (the Run report button or the API).'),
        reports_completed: prop.count('Reports a worker finished and stored.'),
        reports_failed: prop.count('Reports given up on after their last attempt.'),
        brands_total: prop.count('Brands in the deployment.'),
        prompts_total: prop.count('Prompts in the deployment.'),
      },
    }),
    defineEvent({
      name: 'provider_usage',
      purpose:
        'Calls a worker made to one model provider, aggregated in memory and sent with feature_usage (one event per provider used).',
      version: 1,
      owner: OWNER,
      question: 'Which model providers are most popular, and which ones produce the most errors?',
      added: '0.1.0',
      expires: { date: USAGE_METRICS_EXPIRE },
      properties: {
        provider: prop.enum(PROVIDERS, 'The provider; never its key, model server or base URL.'),
        requests: prop.count('Calls made in the period, retries included.'),
        errors_timeout: prop.count('Calls that timed out.'),
        errors_rate_limited: prop.count('Calls refused as rate limited (HTTP 429).'),
        errors_auth: prop.count('Calls refused for the key (HTTP 401 or 403).'),
        errors_server: prop.count('Calls that failed on the provider’s side (HTTP 5xx).'),
        errors_other: prop.count('Calls that failed otherwise (refused connection, malformed answer, other status).'),
        p50_ms: prop.durationMs('Median call duration.'),
        p95_ms: prop.durationMs('95th percentile call duration.'),
      },
    }),
    defineEvent({
      name: 'api_requests',
      purpose:
        'Web API use per route template, counted in memory and sent once an hour and at shutdown (never one event per request): one row per route, method and status class.',
      version: 2,
      owner: OWNER,
      question: 'Which API routes are used, and how slow are they, by template?',
      added: '0.1.0',
      expires: { date: USAGE_METRICS_EXPIRE },
      properties: {
        rows: prop.rows(
          {
            route: prop.enum(API_ROUTES, 'The route template, e.g. /api/brands/[id]; never the real path or query.'),
            method: prop.enum(API_METHODS, 'HTTP method.'),
            status_class: prop.enum(STATUS_CLASSES, 'Class of the response status.'),
            count: prop.count('Requests in the period.'),
            p50_ms: prop.durationMs('Median duration.'),
            p95_ms: prop.durationMs('95th percentile duration.'),
          },
          'One row per route template, method and status class seen in the hour.',
          // Every key there can be: each route with each method and status class.
          API_ROUTES.length * API_METHODS.length * STATUS_CLASSES.length,
        ),
      },
    }),
    defineEvent({
      name: 'page_views',
      purpose:
        'Page views of the web app per page template, counted by the server from what the browser posts to its own /ingest route and sent once an hour and at shutdown (never one event per view).',
      version: 1,
      owner: OWNER,
      question: 'Which pages of the web app are used after a release?',
      added: '0.1.0',
      expires: { date: USAGE_METRICS_EXPIRE },
      properties: {
        rows: prop.rows(
          {
            page: prop.enum(PAGE_ROUTES, 'The page template, e.g. /brands/[id]; never the real path.'),
            views: prop.count('Page views in the period.'),
          },
          'One row per page template viewed in the hour.',
          PAGE_ROUTES.length,
        ),
      },
    }),
  ],
});

/** Elmo's catalog type, so `track` is checked against it. */
export type ElmoCatalog = typeof elmoCatalog;

/** Where the CLI keeps the version of the first-run notice last shown (its user config), and the version now due. */
export const ELMO_NOTICE = { key: ELMO.configKeys.noticeVersion, consentVersion: elmoCatalog.consentVersion } as const;
