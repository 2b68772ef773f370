import { type DatabaseMode, DEPLOYMENT_MODES, type DeploymentMode, ELMO, PROVIDERS, type Provider } from './names.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The deployment settings every component describes itself with (SPEC §2, §5), read from one environment. */
export interface DeploymentSettings {
  /** The providers reports run against, in the order given, without repeats; `offline` when none is named. */
  providers: Provider[];
  deploymentMode: DeploymentMode;
  databaseMode: DatabaseMode;
}

/** Settings as read, and one line per value that was not understood (and left out). */
export interface ReadSettings {
  settings: DeploymentSettings;
  problems: string[];
}

const isProvider = (value: string): value is Provider => (PROVIDERS as readonly string[]).includes(value);
const isDeploymentMode = (value: string): value is DeploymentMode =>
  (DEPLOYMENT_MODES as readonly string[]).includes(value);

/**
 * Reads the deployment settings of a component's environment (the deployment `.env` merged by `elmo start`):
 * `ELMO_PROVIDERS` (a comma list; `offline` when empty), `ELMO_DEPLOYMENT_MODE` (`local` when unset) and whether
 * `DATABASE_URL` is set. A name Elmo does not know is left out and explained in `problems`; the worker refuses to
 * start on one, the web app logs it.
 */
export function readDeploymentSettings(env: Env): ReadSettings {
  const problems: string[] = [];
  const names = (env[ELMO.env.providers] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((name) => !isProvider(name));
  if (unknown.length > 0) {
    problems.push(
      `${ELMO.env.providers} names ${unknown.map((n) => `"${n}"`).join(', ')}; known providers: ${PROVIDERS.join(', ')}`,
    );
  }
  const providers = [...new Set(names.filter(isProvider))];
  const modeValue = env[ELMO.env.deploymentMode]?.trim().toLowerCase() || 'local';
  if (!isDeploymentMode(modeValue)) {
    problems.push(`${ELMO.env.deploymentMode} must be one of ${DEPLOYMENT_MODES.join(', ')}, not "${modeValue}"`);
  }
  return {
    settings: {
      providers: providers.length > 0 ? providers : ['offline'],
      deploymentMode: isDeploymentMode(modeValue) ? modeValue : 'local',
      databaseMode: env.DATABASE_URL?.trim() ? 'postgres' : 'embedded',
    },
    problems,
  };
}
