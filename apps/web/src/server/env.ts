import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { type DeploymentSettings, readDeploymentSettings } from '@elmo/elmo-telemetry';
import { deploymentPaths, pickTelemetryEnv, resolveDeploymentDir } from '@elmo/elmo-telemetry/node';
import packageJson from '../../package.json' with { type: 'json' };

const packageVersion: string = packageJson.version;

// The only file of the web app that reads process.env: everything else receives a WebEnv.

/** Configuration of one web server process. */
export interface WebEnv {
  /** Deployment folder (`ELMO_HOME`, default `~/.elmo`). */
  home: string;
  /** `<home>/data`: the PGlite database, its lock file and other runtime state. */
  dataDir: string;
  /** node-postgres connection string; null means the embedded PGlite. */
  databaseUrl: string | null;
  /** Bearer token the worker must present; null means the internal API refuses every request. */
  internalToken: string | null;
  /** Folder of the generated SQL migrations (committed in apps/web/drizzle). */
  migrationsDir: string;
  /** True when Next leaves SIGINT/SIGTERM to us (`NEXT_MANUAL_SIG_HANDLE`), so the database closes cleanly. */
  manualSignalHandling: boolean;
  /** The Elmo version this server runs (`ELMO_VERSION`, set by `elmo start`; else this package's version). */
  productVersion: string;
  /** The variables telemetry reads from the process env: the operator's kill switches, destination, modes. */
  telemetryEnv: Record<string, string | undefined>;
  /** The home folder of the user running this process: their `elmo telemetry disable` covers the deployment. */
  userHome: string;
  /** Test knobs (`ELMO_TELEMETRY_FLUSH_MS`, `_USAGE_MS`, `_HEARTBEAT_MS`): shorter intervals, same behaviour. */
  telemetryIntervals: { flushMs?: number; usageMs?: number; heartbeatMs?: number };
  /** Test knob (`ELMO_TELEMETRY_ALLOW_HEADLESS`): posthog-js otherwise ignores headless browsers. */
  telemetryAllowHeadless: boolean;
  /** Providers, deployment mode and database mode, as telemetry describes the deployment (SPEC §5). */
  deploymentSettings: DeploymentSettings;
  /** Settings that were not understood, one line each (logged at start; the worker refuses to start on them). */
  settingProblems: string[];
  /** Host names a state-changing request may be addressed to: loopback plus `ELMO_ALLOWED_HOSTS` (comma-separated). */
  allowedHosts: string[];
}

const positiveNumber = (value: string | undefined): number | undefined => {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : undefined;
};

const nonEmpty = (value: string | undefined): string | null => (value?.trim() ? value.trim() : null);

/** Loopback, with any port: what a browser on this machine uses to reach the app. */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Host names this server answers to: loopback plus `ELMO_ALLOWED_HOSTS=elmo.lan, 192.168.1.5:3000` (names with any
 * port, or name:port; a bare IPv6 gets its brackets).
 */
const allowedHosts = (value: string | undefined): string[] => {
  const extra = (value ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
    .map((entry) => (entry.includes('::') && !entry.startsWith('[') ? `[${entry}]` : entry));
  return [...new Set([...LOOPBACK_HOSTS, ...extra])];
};

/** Reads the web app's configuration; `next start` runs with apps/web as its working folder. */
export function readWebEnv(env: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): WebEnv {
  const home = resolveDeploymentDir({ env, homedir: homedir(), cwd });
  const { settings, problems } = readDeploymentSettings(env);
  return {
    home,
    dataDir: deploymentPaths(home).dataDir,
    databaseUrl: nonEmpty(env.DATABASE_URL),
    internalToken: nonEmpty(env.ELMO_INTERNAL_TOKEN),
    // turbopackIgnore: a runtime path, not a file to bundle or trace.
    migrationsDir: resolve(/*turbopackIgnore: true*/ cwd, 'drizzle'),
    manualSignalHandling: Boolean(nonEmpty(env.NEXT_MANUAL_SIG_HANDLE)),
    productVersion: nonEmpty(env.ELMO_VERSION) ?? packageVersion,
    telemetryEnv: pickTelemetryEnv(env),
    userHome: homedir(),
    telemetryIntervals: {
      flushMs: positiveNumber(env.ELMO_TELEMETRY_FLUSH_MS),
      usageMs: positiveNumber(env.ELMO_TELEMETRY_USAGE_MS),
      heartbeatMs: positiveNumber(env.ELMO_TELEMETRY_HEARTBEAT_MS),
    },
    telemetryAllowHeadless: env.ELMO_TELEMETRY_ALLOW_HEADLESS === '1',
    allowedHosts: allowedHosts(env.ELMO_ALLOWED_HOSTS),
    deploymentSettings: settings,
    settingProblems: problems,
  };
}
