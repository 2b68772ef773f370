import type { ConsentDecision } from '../../consent.js';
import type { LocalLog, LogEntry, Sender, TraceLogger } from '../../ports.js';
import { silentLogger } from '../../ports.js';
import { DeliveryError } from './delivery-error.js';
import type { Spool } from './disk-spool.js';

/** What one delivery pass did. */
export interface DeliveryReport {
  sent: number;
  dropped: number;
  kept: number;
}

/**
 * Sends the spool in batches until it is empty, the endpoint fails retryably (events stay for the next
 * run), or the deadline passes. Events refused for good (4xx other than 408/429) are dropped and logged.
 */
export async function deliverSpool(options: {
  spool: Spool;
  sender: Sender;
  deadlineAt: number;
  now?: () => number;
  batchSize?: number;
  localLog?: LocalLog;
  logger?: TraceLogger;
  /** Uuids already tried by this process; shared across passes so an event is tried once per process. */
  attempted?: Set<string>;
  /** Asked before every batch; withdrawn → everything pending is dropped and logged as dropped. */
  consent?: () => ConsentDecision;
}): Promise<DeliveryReport> {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const report: DeliveryReport = { sent: 0, dropped: 0, kept: 0 };
  const attempted = options.attempted ?? new Set<string>();
  const drop = (uuids: string[], events: readonly { uuid: string; event: string }[], reason: string) => {
    options.spool.remove(uuids);
    report.dropped += events.length;
    const time = new Date(now()).toISOString();
    const entries: LogEntry[] = events.map((e) => ({ time, uuid: e.uuid, event: e.event, status: 'dropped', reason }));
    options.localLog?.record(entries);
  };
  // Consent withdrawn: everything pending is dropped and logged, never kept for a later run (SPEC §7).
  const withdrawn = (): boolean => {
    const decision = options.consent?.();
    if (!decision || decision.enabled) return false;
    const pending = options.spool.read();
    drop(
      pending.map((e) => e.uuid),
      pending,
      'consent withdrawn',
    );
    logger.trace('telemetry: consent withdrawn, spool dropped', { count: pending.length, reason: decision.reason });
    return true;
  };
  while (now() < options.deadlineAt) {
    if (withdrawn()) break;
    // Events appended by other CLI runs meanwhile are picked up; each event is tried once per pass.
    const batch = options.spool
      .read()
      .filter((event) => !attempted.has(event.uuid))
      .slice(0, options.batchSize ?? 100);
    if (batch.length === 0) break;
    for (const event of batch) attempted.add(event.uuid);
    const uuids = batch.map((event) => event.uuid);
    const time = new Date(now()).toISOString();
    try {
      await options.sender.send(batch);
      options.spool.remove(uuids);
      report.sent += batch.length;
      options.localLog?.record(batch.map((e) => ({ time, uuid: e.uuid, event: e.event, status: 'sent' as const })));
      logger.trace('telemetry: spool batch sent', { count: batch.length });
    } catch (error) {
      if (withdrawn()) break;
      const retryable = !(error instanceof DeliveryError) || error.retryable;
      logger.trace('telemetry: spool batch failed', { count: batch.length, retryable, error: String(error) });
      if (retryable) {
        report.kept += options.spool.read().length;
        break;
      }
      drop(uuids, batch, 'refused by the endpoint');
    }
  }
  options.localLog?.flush?.();
  return report;
}
