import type { OutgoingEvent } from './envelope.js';
import type { LocalLog, LogEntry, LogStatus, Sender } from './ports.js';
import type { TraceGuard } from './trace-guard.js';

// What the local log says once a sender accepted a batch: a spooled event is still waiting for the
// detached sender, which logs it as sent later.
const LOGGED_AS: Record<NonNullable<Sender['delivery']>, LogStatus> = {
  sent: 'sent',
  'local-only': 'local-only',
  spooled: 'queued',
};

/** The local-log status of a batch that `sender` accepted. */
export function loggedAs(sender: Sender): LogStatus {
  return LOGGED_AS[sender.delivery ?? 'sent'];
}

/** Writes the fate of events to the local transparency log, never throwing. */
export interface LocalLogRecorder {
  /** Records one batch with one timestamp; every event's properties are shown in the log. */
  record(events: readonly OutgoingEvent[], status: LogStatus, reason?: string): void;
  /** Writes what the log buffered. */
  flush(): void;
}

/** Creates a LocalLogRecorder; without a local log it records nothing. */
export function createLocalLogRecorder(options: {
  localLog: LocalLog | undefined;
  now: () => number;
  guard: TraceGuard;
}): LocalLogRecorder {
  const { localLog, now, guard } = options;
  return {
    record(events, status, reason) {
      if (!localLog || events.length === 0) return;
      const time = new Date(now()).toISOString();
      const entries: LogEntry[] = events.map((e) => ({
        time,
        uuid: e.uuid,
        event: e.event,
        status,
        reason,
        properties: e.properties,
      }));
      guard('local log', () => localLog.record(entries));
    },
    flush() {
      guard('local log', () => localLog?.flush?.());
    },
  };
}
