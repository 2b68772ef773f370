/** A fault mode spelled out; `times` limits it to the next N capture requests, then the sink is healthy again. */
export type SinkModeSpec =
  | { kind: 'healthy' }
  | {
      kind: 'status';
      status: number;
      times?: number;
      /** Only batches with more events than this get the status (PostHog-style 413); smaller ones are accepted. */
      whenBatchLargerThan?: number;
      headers?: Record<string, string>;
    }
  | { kind: 'slow'; delayMs: number; times?: number }
  /** Records a complete valid body's events (PostHog ingested them), then never answers. */
  | { kind: 'hang'; times?: number }
  /** Resets the connection before processing: nothing is recorded. */
  | { kind: 'reset'; times?: number }
  /** Processes and records like `healthy`, then resets instead of answering, so a client's resend is a duplicate. */
  | { kind: 'lost-response'; times?: number };

/**
 * Shorthands accepted wherever a mode is: `healthy`, `hang`, `reset`, `lost-response`, `slow` (1 s), `slow:<ms>`,
 * `status:<code>`.
 */
export type SinkModeName =
  | 'healthy'
  | 'hang'
  | 'reset'
  | 'lost-response'
  | 'slow'
  | `slow:${number}`
  | `status:${number}`;

/** How the sink answers capture requests: a shorthand string or a full spec. */
export type SinkMode = SinkModeName | SinkModeSpec;

const DEFAULT_SLOW_MS = 1000;

/** Turns a shorthand or spec into a validated spec; throws a readable error for anything else. */
export function normalizeMode(mode: SinkMode): SinkModeSpec {
  const spec = typeof mode === 'string' ? parseModeName(mode) : mode;
  if (spec.kind === 'status' && !(Number.isInteger(spec.status) && spec.status >= 200 && spec.status <= 599)) {
    throw new Error(`Invalid sink status ${spec.status}: expected an HTTP status between 200 and 599`);
  }
  if (spec.kind === 'slow' && !(Number.isFinite(spec.delayMs) && spec.delayMs >= 0)) {
    throw new Error(`Invalid sink delay ${spec.delayMs}: expected milliseconds >= 0`);
  }
  if ('times' in spec && spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times >= 1)) {
    throw new Error(`Invalid sink mode times ${spec.times}: expected an integer >= 1`);
  }
  return { ...spec };
}

function parseModeName(name: string): SinkModeSpec {
  if (name === 'healthy' || name === 'hang' || name === 'reset' || name === 'lost-response') return { kind: name };
  if (name === 'slow') return { kind: 'slow', delayMs: DEFAULT_SLOW_MS };
  const [kind, value = ''] = name.split(':', 2);
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (kind === 'slow' && !Number.isNaN(number)) return { kind: 'slow', delayMs: number };
  if (kind === 'status' && !Number.isNaN(number)) return { kind: 'status', status: number };
  const expected = 'healthy, hang, reset, lost-response, slow, slow:<ms> or status:<code> (e.g. status:503)';
  throw new Error(`Unknown sink mode "${name}": expected ${expected}`);
}

/** One-line description of a mode, for logs and error messages. */
export function describeMode(spec: SinkModeSpec): string {
  const base =
    spec.kind === 'status'
      ? `status:${spec.status}${spec.whenBatchLargerThan === undefined ? '' : ` when batch > ${spec.whenBatchLargerThan}`}`
      : spec.kind === 'slow'
        ? `slow:${spec.delayMs}`
        : spec.kind;
  return 'times' in spec && spec.times !== undefined ? `${base} (next ${spec.times})` : base;
}

/** Holds the current mode and counts down `times`, so a retry test can see failures and then delivery. */
export class ModeController {
  #spec: SinkModeSpec = { kind: 'healthy' };

  constructor(initial: SinkMode = 'healthy') {
    this.set(initial);
  }

  get current(): SinkModeSpec {
    return { ...this.#spec };
  }

  set(mode: SinkMode): void {
    this.#spec = normalizeMode(mode);
  }

  /** Decides the behaviour for one capture request and consumes one use of a limited mode. */
  take(eventCount: number): SinkModeSpec {
    const spec = this.#spec;
    if (spec.kind === 'healthy') return spec;
    // A size-conditional 413 lets small batches through without using up its count.
    if (spec.kind === 'status' && spec.whenBatchLargerThan !== undefined && eventCount <= spec.whenBatchLargerThan) {
      return { kind: 'healthy' };
    }
    if (spec.times !== undefined) {
      const left = spec.times - 1;
      this.#spec = left > 0 ? { ...spec, times: left } : { kind: 'healthy' };
    }
    return spec;
  }
}
