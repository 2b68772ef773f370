import type { TraceLogger } from '../ports.js';

/** A trace logger writing one line per message to a stream (stderr) when tracing is on, else silent. */
export function createTraceLogger(
  enabled: boolean,
  write: (line: string) => void = (line) => process.stderr.write(line),
): TraceLogger {
  if (!enabled) return { trace() {} };
  return {
    trace(message, data) {
      write(`[telemetry] ${message}${data ? ` ${JSON.stringify(data)}` : ''}\n`);
    },
  };
}
