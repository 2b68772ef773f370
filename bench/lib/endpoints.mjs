// The three PostHog endpoints the CLI benchmarks run against: a healthy loopback sink, a sink that accepts
// and never answers, and a closed port (connections refused).
import { getFreePort, startSinkProcess } from '@elmo/test-support';

/** The endpoint kinds, in the order the report lists them. */
export const ENDPOINTS = ['healthy', 'hang', 'refused'];

/** How each endpoint is described in the report. */
export const ENDPOINT_LABELS = {
  healthy: 'sink healthy',
  hang: 'endpoint accepts and never answers',
  refused: 'endpoint refuses connections',
};

/** Starts the endpoint of `kind`; returns its URL, an event counter (null for refused) and a stop function. */
export async function startEndpoint(kind) {
  if (kind === 'refused') {
    return { url: `http://127.0.0.1:${await getFreePort()}`, count: async () => null, stop: async () => {} };
  }
  return startSinkProcess(kind);
}
