import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { Lane } from './lane.js';

// Everything a person, an operator or a hostile web page can do to consent, as operations on one lane. Each
// checks what it can about its own effect; the model test checks the one invariant over all of them.

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

/** Sets (or, with undefined, removes) a key in the deployment `.env` by hand, as a person editing it would. */
export function editDotenv(lane: Lane, key: string, value: string | undefined): void {
  const lines = readOr(lane.home.envFile, '')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith(`${key}=`));
  if (value !== undefined) lines.push(`${key}=${value}`);
  writeFileSync(lane.home.envFile, `${lines.join('\n')}\n`);
}

/** Changes the user config by hand, keeping every other key. */
export function editConfig(lane: Lane, change: (data: Record<string, unknown>) => void): void {
  const data = JSON.parse(readOr(lane.home.configFile, '{}')) as Record<string, unknown>;
  change(data);
  writeFileSync(lane.home.configFile, `${JSON.stringify(data, null, 2)}\n`);
}

/** Writes the machine policy (undefined removes it). */
export function setPolicy(lane: Lane, text: string | undefined): void {
  if (text === undefined) rmSync(lane.policyFile, { force: true });
  else writeFileSync(lane.policyFile, text);
}

/** Turns every setting back to "on" by hand: the start of each sequence. */
export function resetToOn(lane: Lane): void {
  setPolicy(lane, undefined);
  for (const key of ['DO_NOT_TRACK', 'DISABLE_TELEMETRY', 'TELEMETRY_MODE']) editDotenv(lane, key, undefined);
  editConfig(lane, (data) => {
    delete data.telemetryDisabled;
    data.telemetryMode = 'on';
    data.telemetryChoice = 'enabled';
  });
}

/** A request from the app's own page: same origin, JSON. */
export async function sameOrigin(lane: Lane, path: string, method: string, body?: unknown): Promise<number> {
  const response = await fetch(`${lane.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', origin: lane.url, 'sec-fetch-site': 'same-origin' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  return response.status;
}

/** The kinds of cross-site attempt a page of another site (or a rebinding DNS name) can make. */
export const CROSS_SITE = [
  'foreign origin, text/plain',
  'foreign origin, JSON',
  'sec-fetch-site cross-site',
  'rebinding host',
] as const;

/** One cross-site attempt to switch telemetry on; answers the status. */
export function crossSite(lane: Lane, kind: (typeof CROSS_SITE)[number]): Promise<number> {
  const headers: Record<string, string> = {
    'content-type': kind === 'foreign origin, text/plain' ? 'text/plain' : 'application/json',
    host: kind === 'rebinding host' ? `attacker.example:${lane.port}` : `127.0.0.1:${lane.port}`,
  };
  if (kind.startsWith('foreign origin')) headers.origin = 'http://attacker.example';
  if (kind === 'sec-fetch-site cross-site') headers['sec-fetch-site'] = 'cross-site';
  const body = '{"enabled":true}';
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: lane.port, path: '/api/settings/telemetry', method: 'POST', headers, timeout: 10_000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** How many events a CLI run recorded as queued (each `cli_command` is logged once as queued). */
export function queuedCliEvents(lane: Lane): number {
  return readOr(lane.home.logFile, '')
    .split('\n')
    .filter((line) => line.includes('"status":"queued"')).length;
}
