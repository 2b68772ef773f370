import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { type DeploymentSettings, type Provider, readDeploymentSettings } from '@elmo/elmo-telemetry';
import { pickTelemetryEnv, resolveDeploymentDir } from '@elmo/elmo-telemetry/node';
import { PROVIDER_DEFAULTS, type ProvidersConfig } from './providers/providers-config.js';

// The only file of the worker that reads process.env: everything else receives a WorkerEnv.

const packageVersion: string = createRequire(import.meta.url)('../package.json').version;

/** Configuration of one worker process. */
export interface WorkerEnv {
  /** Base URL of the web app that owns the database (`ELMO_WEB_URL`, default http://127.0.0.1:$ELMO_PORT or 1515). */
  webUrl: string;
  /** Bearer token for the web app's internal API (`ELMO_INTERNAL_TOKEN`, required). */
  internalToken: string;
  /** Pause between claims when there is no work (`ELMO_WORKER_POLL_MS`, default 1000). */
  pollIntervalMs: number;
  /** Deployment folder (`ELMO_HOME`, default `~/.elmo`): its `.env` holds DEPLOYMENT_ID and the live opt-out. */
  home: string;
  /** The Elmo version (`ELMO_VERSION`, set by `elmo start`; else this package's version). */
  productVersion: string;
  /** The variables telemetry reads from the process env: the operator's kill switches, destination, modes. */
  telemetryEnv: Record<string, string | undefined>;
  /** The home folder of the user running this process: their `elmo telemetry disable` covers the deployment. */
  userHome: string;
  /** Test knob (`ELMO_TELEMETRY_FLUSH_MS`): a shorter flush interval, same behaviour. */
  telemetryFlushMs: number | undefined;
  /** Test knob (`ELMO_TELEMETRY_USAGE_MS`): how often usage (`provider_usage`) is sent, same behaviour. */
  telemetryUsageMs: number | undefined;
  /** Test knob (`ELMO_TELEMETRY_HEARTBEAT_MS`): a shorter heartbeat period than 24 hours, same behaviour. */
  telemetryHeartbeatMs: number | undefined;
  /** What the deployment is configured with (ELMO_PROVIDERS, ELMO_DEPLOYMENT_MODE, DATABASE_URL). */
  settings: DeploymentSettings;
  /** The configured providers with their keys, base URLs, models, timeout and retries. Never logged. */
  providers: ProvidersConfig;
}

/** A configuration problem, explained in one line. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** A positive, finite number, else undefined (a test knob left unset or mistyped keeps its default). */
const positiveNumber = (n: number): number | undefined => (Number.isFinite(n) && n > 0 ? n : undefined);

const nonEmpty = (value: string | undefined): string | null => (value?.trim() ? value.trim() : null);

/** Reads the worker's configuration, or throws a ConfigError naming the variable at fault. */
export function readWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const internalToken = nonEmpty(env.ELMO_INTERNAL_TOKEN);
  if (!internalToken)
    throw new ConfigError('ELMO_INTERNAL_TOKEN is not set; the web app will not hand out jobs without it');

  const webUrl = nonEmpty(env.ELMO_WEB_URL) ?? `http://127.0.0.1:${nonEmpty(env.ELMO_PORT) ?? '1515'}`;
  try {
    new URL(webUrl);
  } catch {
    throw new ConfigError(`ELMO_WEB_URL is not a URL: ${webUrl}`);
  }

  const poll = nonEmpty(env.ELMO_WORKER_POLL_MS);
  const pollIntervalMs = poll === null ? 1000 : Number(poll);
  if (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 10 || pollIntervalMs > 600_000) {
    throw new ConfigError(`ELMO_WORKER_POLL_MS must be a whole number of milliseconds from 10 to 600000, not ${poll}`);
  }
  const flushMs = Number(env.ELMO_TELEMETRY_FLUSH_MS);
  const usageMs = Number(env.ELMO_TELEMETRY_USAGE_MS);
  const heartbeatMs = Number(env.ELMO_TELEMETRY_HEARTBEAT_MS);
  const { settings, problems } = readDeploymentSettings(env);
  if (problems[0]) throw new ConfigError(problems[0]);
  return {
    webUrl: webUrl.replace(/\/+$/, ''),
    internalToken,
    pollIntervalMs,
    home: resolveDeploymentDir({ env, homedir: homedir() }),
    productVersion: nonEmpty(env.ELMO_VERSION) ?? packageVersion,
    telemetryEnv: pickTelemetryEnv(env),
    userHome: homedir(),
    telemetryFlushMs: positiveNumber(flushMs),
    telemetryUsageMs: positiveNumber(usageMs),
    telemetryHeartbeatMs: positiveNumber(heartbeatMs),
    settings,
    providers: readProvidersConfig(env, settings.providers),
  };
}

// Provider variables hold keys and private addresses: an error names the variable, never its value (SPEC §12).

/** A whole number from `min` to `max`, or `fallback` when the variable is unset. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** An http(s) URL without a trailing slash, or null when the variable is unset. */
function baseUrl(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = nonEmpty(env[name]);
  if (raw === null) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL`);
  return raw.replace(/\/+$/, '');
}

/** Reads the provider variables; a configured provider without its required key or URL is a ConfigError. */
function readProvidersConfig(env: NodeJS.ProcessEnv, providers: Provider[]): ProvidersConfig {
  const uses = (provider: Provider) => providers.includes(provider);
  const openaiKey = nonEmpty(env.OPENAI_API_KEY);
  const anthropicKey = nonEmpty(env.ANTHROPIC_API_KEY);
  // A variable of a provider that is not configured is not looked at: it cannot stop the worker.
  const usesOpenai = uses('openai') || uses('openai_compatible');
  const openaiUrl = usesOpenai ? baseUrl(env, 'OPENAI_BASE_URL') : null;
  const anthropicUrl = uses('anthropic') ? baseUrl(env, 'ANTHROPIC_BASE_URL') : null;
  if (uses('openai') && !openaiKey) throw new ConfigError('ELMO_PROVIDERS names openai but OPENAI_API_KEY is not set');
  if (uses('openai_compatible') && !openaiUrl) {
    throw new ConfigError('ELMO_PROVIDERS names openai_compatible but OPENAI_BASE_URL is not set');
  }
  if (uses('anthropic') && !anthropicKey) {
    throw new ConfigError('ELMO_PROVIDERS names anthropic but ANTHROPIC_API_KEY is not set');
  }
  return {
    providers,
    openai: {
      baseUrl: openaiUrl ?? (uses('openai') ? PROVIDER_DEFAULTS.openaiBaseUrl : null),
      apiKey: openaiKey,
      model: nonEmpty(env.OPENAI_MODEL) ?? PROVIDER_DEFAULTS.openaiModel,
    },
    anthropic: {
      baseUrl: anthropicUrl ?? PROVIDER_DEFAULTS.anthropicBaseUrl,
      apiKey: anthropicKey,
      model: nonEmpty(env.ANTHROPIC_MODEL) ?? PROVIDER_DEFAULTS.anthropicModel,
    },
    timeoutMs: wholeNumber(env, 'ELMO_PROVIDER_TIMEOUT_MS', PROVIDER_DEFAULTS.timeoutMs, 10, 600_000),
    retries: wholeNumber(env, 'ELMO_PROVIDER_RETRIES', PROVIDER_DEFAULTS.retries, 0, PROVIDER_DEFAULTS.maxRetries),
  };
}
