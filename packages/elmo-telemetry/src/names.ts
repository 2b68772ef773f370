/** Names users, scripts and docs depend on (SPEC §2). Change none of them lightly. */
export const ELMO = {
  binary: 'elmo',
  appName: 'elmo',
  env: {
    doNotTrack: 'DO_NOT_TRACK',
    disableTelemetry: 'DISABLE_TELEMETRY',
    /** Deployment `.env` only: `on`, `local` or `off`. */
    telemetryMode: 'TELEMETRY_MODE',
    /** The machine policy file's location (default `/etc/elmo/telemetry.json`). */
    policyFile: 'ELMO_TELEMETRY_POLICY',
    deploymentId: 'DEPLOYMENT_ID',
    home: 'ELMO_HOME',
    posthogHost: 'ELMO_POSTHOG_HOST',
    posthogKey: 'ELMO_POSTHOG_KEY',
    debug: 'ELMO_TELEMETRY_DEBUG',
    /** `ephemeral`: a fresh id per event, no session id, nothing stored (SPEC §4); process env or deployment `.env`. */
    telemetryId: 'ELMO_TELEMETRY_ID',
    logLevel: 'LOG_LEVEL',
    port: 'ELMO_PORT',
    /** Deployment `.env`: comma list of the model providers reports run against (default `offline`). */
    providers: 'ELMO_PROVIDERS',
    /** Deployment `.env`: `local` (default) or `whitelabel`; `elmo start --dev` sets `development`. */
    deploymentMode: 'ELMO_DEPLOYMENT_MODE',
  },
  defaultPort: 1515,
  defaultPolicyFile: '/etc/elmo/telemetry.json',
  configKeys: {
    installId: 'installId',
    telemetryDisabled: 'telemetryDisabled',
    /** 'on' | 'local' | 'off', kept in step with telemetryDisabled. */
    telemetryMode: 'telemetryMode',
    /** 'enabled' | 'local' | 'disabled', written only by an explicit choice (`init`, `telemetry enable|disable`). */
    telemetryChoice: 'telemetryChoice',
    /** The consent version whose first-run notice was last shown. */
    noticeVersion: 'noticeVersion',
  },
} as const;

/** Commands that send `cli_command` (`telemetry …` is never tracked). `unknown` stands for an invalid command. */
export const TRACKED_COMMANDS = ['init', 'start', 'status', 'unknown'] as const;

/** Aliases a person may type for a command. */
export const COMMAND_ALIASES = { up: 'start', st: 'status' } as const;

/** Every option name the elmo program declares; only these can appear in `flags`. */
export const CLI_FLAGS = [
  'dir',
  'yes',
  'telemetry',
  'email',
  'database-url',
  'port',
  'json',
  'lines',
  'forget',
  'since',
  'provider',
  'workers',
  'dev',
  'help',
  'version',
] as const;

/** The CLI's stable error codes: the only error information that ever leaves the machine. */
export const CLI_ERROR_CODES = [
  'usage',
  'unknown_command',
  'invalid_email',
  'invalid_port',
  'invalid_database_url',
  'invalid_provider',
  'missing_provider_key',
  'invalid_workers',
  'config_unreadable',
  'env_unreadable',
  'no_deployment',
  'already_running',
  'start_failed',
  'interrupted',
  'internal',
] as const;

/**
 * Route templates of the web app's API that people's use goes through; a request is reported by its template
 * only. The worker's internal job API is machine traffic (it polls every second) and is not reported.
 */
export const API_ROUTES = [
  '/api/brands',
  '/api/brands/[id]',
  '/api/brands/[id]/prompts',
  '/api/prompts/[id]',
  '/api/reports',
  '/api/reports/[id]',
  '/api/settings/telemetry',
  '/api/settings/telemetry/forget',
  '/api/settings/telemetry/log',
] as const;

/** Methods an API request is reported with (`api_requests` rows); any other method is not counted. */
export const API_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Classes of a response status (`api_requests` rows). */
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;

/** Page templates of the web app; page views carry the template, never the real path. */
export const PAGE_ROUTES = ['/', '/brands/[id]', '/reports/[id]', '/settings'] as const;

/** The feature counters of `feature_usage`. */
export const FEATURE_COUNTERS = [
  'brands_created',
  'brands_renamed',
  'brands_deleted',
  'prompts_created',
  'prompts_edited',
  'prompts_deleted',
  'reports_requested',
  'reports_completed',
  'reports_failed',
] as const;

/** The model providers a report can run against (SPEC §12); `offline` is built in and needs no key. */
export const PROVIDERS = ['offline', 'openai', 'anthropic', 'openai_compatible'] as const;

/** How a provider call failed, for reports and `provider_usage` (SPEC §12). */
export const PROVIDER_ERROR_KINDS = ['timeout', 'rate_limited', 'auth', 'server', 'other'] as const;

/** How a deployment is run: `.env` ELMO_DEPLOYMENT_MODE, or `development` under `elmo start --dev`. */
export const DEPLOYMENT_MODES = ['local', 'whitelabel', 'development'] as const;

/** Where the deployment keeps its data: the embedded database, or PostgreSQL (DATABASE_URL). */
export const DATABASE_MODES = ['embedded', 'postgres'] as const;

/** The steps of `elmo init`, in order; `cli_init.last_step` is the last one reached (SPEC §5). */
export const INIT_STEPS = ['database', 'telemetry', 'providers', 'newsletter', 'written'] as const;

export type TrackedCommand = (typeof TRACKED_COMMANDS)[number];
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];
export type CliFlag = (typeof CLI_FLAGS)[number];
export type ApiRoute = (typeof API_ROUTES)[number];
export type ApiMethod = (typeof API_METHODS)[number];
export type StatusClass = (typeof STATUS_CLASSES)[number];
export type PageRoute = (typeof PAGE_ROUTES)[number];
export type FeatureCounter = (typeof FEATURE_COUNTERS)[number];
export type Provider = (typeof PROVIDERS)[number];
export type ProviderErrorKind = (typeof PROVIDER_ERROR_KINDS)[number];
export type DeploymentMode = (typeof DEPLOYMENT_MODES)[number];
export type DatabaseMode = (typeof DATABASE_MODES)[number];
export type InitStep = (typeof INIT_STEPS)[number];

/**
 * What posthog-js may post to `/ingest`, with the properties it may keep: a page view and its page template. The
 * server counts them into `page_views` and forwards none; anything else posted there is dropped.
 */
export const BROWSER_EVENTS = { $pageview: ['$pathname'] } as const;
