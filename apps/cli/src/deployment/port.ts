import { ELMO } from '@elmo/elmo-telemetry';
import { CliError, USAGE_EXIT_CODE } from '../cli-error.js';
import type { Env } from '../deps.js';

/** Parses a TCP port (1–65535) written in decimal; undefined for anything else. */
export function parsePort(value: string): number | undefined {
  if (!/^\d{1,5}$/.test(value.trim())) return undefined;
  const port = Number(value.trim());
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** The web port: `--port`, else `ELMO_PORT` in the environment, else in the deployment `.env`, else 1515. */
export function resolvePort(options: { flag?: string; env: Env; values: Readonly<Record<string, string>> }): number {
  const candidates: [string, string | undefined][] = [
    ['--port', options.flag],
    [ELMO.env.port, options.env[ELMO.env.port] || undefined],
    [`${ELMO.env.port} in the deployment .env`, options.values[ELMO.env.port] || undefined],
  ];
  for (const [where, value] of candidates) {
    if (value === undefined) continue;
    const port = parsePort(value);
    if (port === undefined)
      throw new CliError(
        'invalid_port',
        `${where} must be a port number from 1 to 65535, not "${value}"`,
        USAGE_EXIT_CODE,
      );
    return port;
  }
  return ELMO.defaultPort;
}
