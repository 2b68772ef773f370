import type { OutgoingEvent } from './envelope.js';

/** Delivers batches of events; rejects when a batch could not be delivered. */
export interface Sender {
  /**
   * What a resolved `send` means for the local log: delivered (`sent`, the default), kept on this machine
   * because no destination is configured (`local-only`), or handed to a spool whose sender logs later.
   */
  readonly delivery?: 'sent' | 'local-only' | 'spooled';
  send(events: readonly OutgoingEvent[]): Promise<void>;
  /** Shutdown has begun: give each batch at most one more attempt, with no pause before it. */
  stopRetrying?(): void;
  /** Ends whatever is still in flight and releases timers, at once. */
  close?(): Promise<void>;
}

/**
 * What became of an event, as the local transparency log records it: `local` is an event tracked in local mode
 * (SPEC §3: recorded here only, never queued or sent); `local-only` one accepted while no destination is set.
 */
export type LogStatus = 'queued' | 'sent' | 'dropped' | 'preview' | 'local' | 'local-only';

/** One line of the local transparency log. */
export interface LogEntry {
  time: string;
  uuid: string;
  event: string;
  status: LogStatus;
  reason?: string;
  properties?: Record<string, unknown>;
}

/** How a local log's writes have fared: a failing write is counted and shown, never thrown (SPEC §7). */
export interface LocalLogStatus {
  /** Writes that failed since the log was opened; their entries were dropped, not retried. */
  failedWrites: number;
  /** Entries lost to failed writes (or that could not be serialised). */
  droppedEntries: number;
  /** Why the latest write failed, while writes are failing; cleared by the next successful write. */
  lastError?: string;
}

/** Where the core records every event it sent or would have sent. */
export interface LocalLog {
  record(entries: readonly LogEntry[]): void;
  /** Writes buffered entries now (called after each flush and at shutdown). Never throws. */
  flush?(): void;
  /** The health of the log's writes, for status pages; in-memory logs need not implement it. */
  status?(): LocalLogStatus;
}

/** Trace logging (`LOG_LEVEL=trace`); the only channel through which telemetry errors are ever shown. */
export interface TraceLogger {
  trace(message: string, data?: Record<string, unknown>): void;
}

/** A logger that says nothing: telemetry is silent unless asked. */
export const silentLogger: TraceLogger = { trace() {} };
