import { ELMO } from '@elmo/elmo-telemetry';
import { DEPLOYMENT_CONSENT_KEYS } from '@elmo/elmo-telemetry/node';
import type { Env } from '../deps.js';

/**
 * The environment of the web app and worker: the operator's own environment, then the deployment `.env`
 * for what the environment does not set (as dotenv does), then what `elmo start` decides. The `.env`'s consent
 * keys (DO_NOT_TRACK, DISABLE_TELEMETRY, TELEMETRY_MODE) are deliberately not copied: the file stays the live
 * source the components re-read, so the settings switch and `elmo telemetry enable` keep working, and the
 * reason shown names the file; only an operator's own variable forces the state. Under `elmo start --dev` the
 * deployment mode is `development`, whatever the `.env` says.
 */
export function childEnvironment(options: {
  env: Env;
  values: Readonly<Record<string, string>>;
  home: string;
  port: number;
  productVersion: string;
  dev?: boolean;
}): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.values)) {
    if (!DEPLOYMENT_CONSENT_KEYS.includes(key)) merged[key] = value;
  }
  for (const [key, value] of Object.entries(options.env)) {
    if (value !== undefined) merged[key] = value;
  }
  return {
    ...merged,
    [ELMO.env.home]: options.home,
    ELMO_VERSION: options.productVersion,
    ELMO_WEB_URL: `http://127.0.0.1:${options.port}`,
    [ELMO.env.port]: String(options.port),
    PORT: String(options.port),
    NEXT_MANUAL_SIG_HANDLE: '1',
    NEXT_TELEMETRY_DISABLED: '1',
    ...(options.dev ? { [ELMO.env.deploymentMode]: 'development' } : {}),
  };
}
