import {
  consentUnavailable,
  createTelemetry,
  type LocalLog,
  type Sender,
  type TelemetryOptions,
} from '@elmo/telemetry-core';
import { FileStateError, outgoingOf, readEnvFile, type Spool, updateEnvFile } from '@elmo/telemetry-core/node';
import type { ElmoCatalog } from '../catalog.js';
import { ELMO } from '../names.js';
import { saveElmoTelemetryChoice } from '../node/consent.js';

/** Why events of a forgotten id are dropped, as the local log says. */
export const FORGOTTEN = 'forgotten';

/** What "Forget this deployment" did (SPEC §6). */
export interface ForgetResult {
  /** The DEPLOYMENT_ID forgotten; absent when the `.env` held no valid one (then no request was needed). */
  previousId?: string;
  /** The DEPLOYMENT_ID that replaced it in the `.env`. */
  newId: string;
  /** Whether the deletion request left (or, with no destination, was kept in the local log); false without an old id. */
  requestSent: boolean;
}

/**
 * Turns telemetry off and writes a new DEPLOYMENT_ID, with the one writer of the choice, keeping every other line.
 * A corrupt or unreadable `.env` is refused (FileStateError) before anything is written.
 */
export function replaceDeploymentId(envFile: string, uuid: () => string = () => crypto.randomUUID()): string {
  const state = readEnvFile(envFile);
  if (state.status === 'corrupt' || state.status === 'unreadable')
    throw new FileStateError(envFile, state.status, state.message);
  const newId = uuid();
  saveElmoTelemetryChoice('off', { deploymentEnvFile: envFile });
  updateEnvFile(envFile, { [ELMO.env.deploymentId]: newId });
  return newId;
}

/** Drops what the shutdown spool kept for the next start (keyed by the forgotten id), logged as forgotten. */
export function discardSpooled(spool: Spool, localLog: LocalLog, now: () => number): number {
  if (spool.isEmpty()) return 0;
  const events = spool.claim().map(outgoingOf);
  const time = new Date(now()).toISOString();
  localLog.record(
    events.map((e) => ({ time, uuid: e.uuid, event: e.event, status: 'dropped' as const, reason: FORGOTTEN })),
  );
  localLog.flush?.();
  return events.length;
}

/**
 * Sends one `deletion_request` keyed by `id` and carrying nothing else. It has a sender of its own: the shared one
 * asks consent before every attempt, and an explicit request is sent whatever consent says (SPEC §6). Preview mode
 * prints it and sends nothing, as for every event.
 */
export async function submitDeletionRequest(
  id: string,
  client: Omit<TelemetryOptions<ElmoCatalog>, 'sender' | 'consent' | 'identity' | 'sessionId'>,
  sender: Sender,
): Promise<boolean> {
  const once = createTelemetry({
    ...client,
    sender,
    // Consent and identity play no part in a keyed explicit submission: it is keyed by the id it is about.
    consent: () => consentUnavailable('telemetry is being turned off: this id is forgotten'),
    identity: () => undefined,
    sessionId: undefined,
    consentPollMs: 0,
    flushIntervalMs: 0,
  });
  try {
    return await once.submitExplicit('deletion_request', { keyedBy: id });
  } finally {
    await once.shutdown(500);
  }
}
