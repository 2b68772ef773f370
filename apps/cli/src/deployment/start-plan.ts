import { ELMO, readDeploymentSettings } from '@elmo/elmo-telemetry';
import { CliError, USAGE_EXIT_CODE } from '../cli-error.js';
import type { Components } from './components.js';
import { missingProviderVariables } from './provider-env.js';

/** The most workers `elmo start --workers` runs: each is a Node process polling the web app. */
export const MAX_WORKERS = 16;

/** How to run one component process. */
export interface ComponentLaunch {
  /** As its output lines are prefixed: `web`, `worker`, or `worker 2` when there are several. */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/** The processes of one `elmo start`: the web app, then its workers. */
export interface StartPlan {
  web: ComponentLaunch;
  workers: ComponentLaunch[];
}

/** `--workers N`: a whole number from 1 to 16 (default 1); anything else is a usage error (exit code 2). */
export function parseWorkerCount(flag: string | undefined): number {
  if (flag === undefined) return 1;
  const count = /^\s*\d{1,2}\s*$/.test(flag) ? Number(flag) : Number.NaN;
  if (count >= 1 && count <= MAX_WORKERS) return count;
  throw new CliError(
    'invalid_workers',
    `--workers must be a whole number from 1 to ${MAX_WORKERS}, not "${flag}"`,
    USAGE_EXIT_CODE,
  );
}

/**
 * Refuses, in one line, settings the components could not run with: no internal token, a provider or deployment
 * mode Elmo does not know, or a provider without its key or base URL (named, never shown). `env` is what the
 * components will get.
 */
export function checkDeploymentSettings(env: Readonly<Record<string, string | undefined>>): void {
  // Without it the workers exit at once and the web app hands out no job: refused before seconds of start-up.
  if (!env.ELMO_INTERNAL_TOKEN?.trim()) {
    throw new CliError(
      'start_failed',
      'the deployment .env has no ELMO_INTERNAL_TOKEN (the web app and its workers need it); run `elmo init` to add it',
    );
  }
  const { settings, problems } = readDeploymentSettings(env);
  const [problem] = problems;
  if (problem) {
    const code = problem.startsWith(ELMO.env.providers) ? 'invalid_provider' : 'start_failed';
    throw new CliError(code, `${problem}; fix the deployment .env (or the environment), then try again`);
  }
  const missing = missingProviderVariables(settings.providers, env).map((variable) => variable.name);
  if (missing.length > 0) {
    throw new CliError(
      'missing_provider_key',
      `${ELMO.env.providers} names ${settings.providers.join(',')}, which needs ${missing.join(' and ')}; add ${missing.length > 1 ? 'them' : 'it'} to the deployment .env (or run \`elmo init --provider …\`)`,
    );
  }
}

/**
 * The processes to start: the web app (`next start`, or `next dev` under `--dev`) and `workers` workers, every one
 * with the same environment (jobs are claimed through the web app, so workers share them without overlap).
 */
export function planStart(options: {
  components: Components;
  port: number;
  workers: number;
  dev: boolean;
  env: Record<string, string>;
}): StartPlan {
  const { components, port, workers, dev, env } = options;
  return {
    web: { name: 'web', ...components.web, args: components.web.args(port, dev), env },
    workers: Array.from({ length: workers }, (_, index) => ({
      name: workers === 1 ? 'worker' : `worker ${index + 1}`,
      ...components.worker,
      args: [...components.worker.args],
      env,
    })),
  };
}
