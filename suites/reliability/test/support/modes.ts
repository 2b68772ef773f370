import type { SinkMode } from '@elmo/posthog-sink';

/** The sink behaviours every surface is run against (the fault matrix's columns). */
export type FaultModeId =
  | 'healthy'
  | '500'
  | '429'
  | '413'
  | '400'
  | 'slow-3s'
  | 'hang'
  | 'refused'
  | 'reset'
  | 'down-up'
  | 'long-outage'
  | 'stop-in-outage'
  | 'lost-response';

/** One column of the fault matrix. */
export interface FaultMode {
  id: FaultModeId;
  /** Column title in docs/RELIABILITY.md. */
  label: string;
  /** What the sink does to capture requests while the fault lasts; undefined: the port is closed instead. */
  sinkMode?: SinkMode;
  /** `once`: every event must arrive exactly once after recovery; `dropped`: refused for good, never retried. */
  delivery: 'once' | 'dropped';
  /** How a capture request that met the fault looks to the sink (for modes the sink can observe). */
  faulted?: (request: { status?: number; outcome: string }) => boolean;
}

const answered = (status: number) => (r: { status?: number }) => r.status === status;

/** Every column, in report order. */
export const FAULT_MODES: readonly FaultMode[] = [
  { id: 'healthy', label: 'healthy', sinkMode: 'healthy', delivery: 'once' },
  { id: '500', label: '500', sinkMode: 'status:500', delivery: 'once', faulted: answered(500) },
  { id: '429', label: '429', sinkMode: 'status:429', delivery: 'once', faulted: answered(429) },
  // PostHog answers 413 to a batch that is too large: posthog-node halves the batch, so a batch of one passes.
  {
    id: '413',
    label: '413 (batch > 1)',
    sinkMode: { kind: 'status', status: 413, whenBatchLargerThan: 1 },
    delivery: 'once',
    faulted: answered(413),
  },
  { id: '400', label: '400', sinkMode: 'status:400', delivery: 'dropped', faulted: answered(400) },
  {
    id: 'slow-3s',
    label: 'slow 3 s',
    sinkMode: { kind: 'slow', delayMs: 3000 },
    delivery: 'once',
    faulted: () => true,
  },
  { id: 'hang', label: 'never answers', sinkMode: 'hang', delivery: 'once', faulted: (r) => r.outcome === 'hung' },
  { id: 'refused', label: 'refused', delivery: 'once' },
  { id: 'reset', label: 'reset', sinkMode: 'reset', delivery: 'once', faulted: (r) => r.outcome === 'reset' },
  { id: 'down-up', label: 'down, then up', delivery: 'once' },
  // Longer than every retry window: 503 for LONG_OUTAGE_MS after the first failure while the deployment is used.
  {
    id: 'long-outage',
    label: 'long outage (503)',
    sinkMode: 'status:503',
    delivery: 'once',
    faulted: answered(503),
  },
  // The port refuses from start to stop; the processes stop during the outage and start again after it.
  { id: 'stop-in-outage', label: 'stopped in an outage', delivery: 'once' },
  // PostHog takes the batch but its answer is lost (connection reset after the body was ingested).
  {
    id: 'lost-response',
    label: 'answer lost',
    sinkMode: { kind: 'lost-response', times: 1 },
    delivery: 'once',
    faulted: (r) => r.outcome === 'lost',
  },
];

/** How long the long-outage column keeps failing after the first failed request (several backoff rounds). */
export const LONG_OUTAGE_MS = 6000;

/** Modes whose fault is a closed port rather than an answer. */
export const isPortFault = (mode: FaultMode) =>
  mode.id === 'refused' || mode.id === 'down-up' || mode.id === 'stop-in-outage';

/** The surfaces of the fault matrix (its rows). */
export const FAULT_SURFACES = ['cli', 'web', 'worker', 'browser'] as const;

/** A row of the fault matrix. */
export type FaultSurface = (typeof FAULT_SURFACES)[number];

/** Row titles in docs/RELIABILITY.md. */
export const SURFACE_LABELS: Record<FaultSurface, string> = {
  cli: 'CLI command + detached sender',
  web: 'web server',
  worker: 'worker',
  browser: 'browser via /ingest',
};
