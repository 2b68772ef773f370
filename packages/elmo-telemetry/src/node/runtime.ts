import { release } from 'node:os';
import { arch, version as nodeVersion, platform } from 'node:process';
import { isTruthy, type OutgoingEvent } from '@elmo/telemetry-core';
import { type DeploymentMode, ELMO } from '../names.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Where events go; undefined when no key is configured (then nothing leaves the machine). */
export interface Destination {
  host: string;
  apiKey: string;
}

/**
 * The process-env variables telemetry reads: the operator's kill switches and policy file, where the user
 * config lives, the destination, the modes.
 */
export const TELEMETRY_ENV_VARIABLES = [
  ELMO.env.doNotTrack,
  ELMO.env.disableTelemetry,
  ELMO.env.policyFile,
  'XDG_CONFIG_HOME',
  ELMO.env.deploymentId,
  ELMO.env.posthogHost,
  ELMO.env.posthogKey,
  ELMO.env.debug,
  ELMO.env.telemetryId,
  ELMO.env.logLevel,
] as const;

/** Just the telemetry variables of an environment, so a component hands telemetry nothing else. */
export function pickTelemetryEnv(env: Env): Record<string, string | undefined> {
  return Object.fromEntries(TELEMETRY_ENV_VARIABLES.map((name) => [name, env[name]]));
}

/** PostHog's US cloud, used when a key is set without a host. */
export const DEFAULT_POSTHOG_HOST = 'https://us.i.posthog.com';

/** The destination from the process env, else the deployment `.env` (SPEC §2). */
export function resolveDestination(env: Env, deploymentValues: Env = {}): Destination | undefined {
  const apiKey = env[ELMO.env.posthogKey] || deploymentValues[ELMO.env.posthogKey];
  if (!apiKey) return undefined;
  const host = env[ELMO.env.posthogHost] || deploymentValues[ELMO.env.posthogHost] || DEFAULT_POSTHOG_HOST;
  return { host: host.replace(/\/+$/, ''), apiKey };
}

/** Describes a destination for people: where events go, or that they stay local. */
export function describeDestination(destination: Destination | undefined): string {
  return destination
    ? `PostHog at ${destination.host}`
    : 'nowhere: no ELMO_POSTHOG_KEY is set, events stay in the local log';
}

/** Common properties of every event sent by a surface (SPEC §5). */
export function commonProperties(options: {
  source: 'cli' | 'web' | 'worker' | 'browser';
  productVersion: string;
  deploymentMode?: DeploymentMode;
}): Record<string, unknown> {
  return {
    product_version: options.productVersion,
    os: platform,
    arch,
    node_version: nodeVersion,
    source: options.source,
    deployment_mode: options.deploymentMode ?? 'local',
  };
}

/** Preview mode (`ELMO_TELEMETRY_DEBUG`): print events, send nothing. */
export function isPreviewMode(env: Env): boolean {
  return isTruthy(env[ELMO.env.debug]);
}

/** Ephemeral identity (`ELMO_TELEMETRY_ID=ephemeral`, SPEC §4): a fresh id per event, no session id, nothing stored. */
export function isEphemeralIdentity(...sources: Env[]): boolean {
  return sources.some((source) => source[ELMO.env.telemetryId]?.trim().toLowerCase() === 'ephemeral');
}

/** Trace mode (`LOG_LEVEL=trace`): log queue activity. */
export function isTraceMode(env: Env): boolean {
  return env[ELMO.env.logLevel]?.toLowerCase() === 'trace';
}

/** Prints one previewed event as a JSON line on a stream (stderr). */
export function createPreviewPrinter(write: (line: string) => void): (event: OutgoingEvent) => void {
  return (event) => write(`${JSON.stringify({ preview: 'not sent', ...event })}\n`);
}

/**
 * The kernel release, major.minor only (`6.1.0-28-amd64` → `6.1`): enough to tell old systems from new ones,
 * never the build string that can name a distribution's patch level or a custom kernel (SPEC §5, seed 002).
 */
export function osRelease(kernelRelease: string = release()): string | undefined {
  const match = /^(\d{1,6})\.(\d{1,6})/.exec(kernelRelease);
  return match ? `${match[1]}.${match[2]}` : undefined;
}
