import type { TraceLogger } from './ports.js';

/** Runs `fn`, reporting a throw only through the trace logger: telemetry never breaks its host. */
export type TraceGuard = (what: string, fn: () => void) => void;

/** Creates a TraceGuard that reports through `logger`. */
export function createTraceGuard(logger: TraceLogger): TraceGuard {
  return (what, fn) => {
    try {
      fn();
    } catch (error) {
      logger.trace(`telemetry: ${what} failed`, { error: String(error) });
    }
  };
}
