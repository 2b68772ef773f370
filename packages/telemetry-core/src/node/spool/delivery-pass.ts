import type { ConsentDecision } from '../../consent.js';
import { isRetryableFailure } from '../../delivery-error.js';
import type { LocalLog, LogEntry, Sender, TraceLogger } from '../../ports.js';
import { silentLogger } from '../../ports.js';
import { outgoingOf, type Spool } from './disk-spool.js';
import { discardLogged, dropPastBounds, type RetryBounds } from './retry-bounds.js';

/** What one delivery pass did. */
export interface DeliveryReport {
  sent: number;
  dropped: number;
  kept: number;
}

/**
 * Sends the spool in batches until it is empty, the endpoint fails retryably (events stay for the next
 * run), or the deadline passes (no batch starts after `deadlineAt`: a caller with a hard cap passes its cap minus
 * a request timeout, so that a batch PostHog accepts is not cut off before its answer and sent again). Events refused for good (4xx other than 408/429) are dropped and logged.
 * With `bounds`, every attempt is counted in the spool, and an event past its bounds is dropped and logged
 * instead of being tried again.
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
  /** Retry bounds (explicit submissions): attempts are counted and events past them dropped. */
  bounds?: RetryBounds;
}): Promise<DeliveryReport> {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const report: DeliveryReport = { sent: 0, dropped: 0, kept: 0 };
  const attempted = options.attempted ?? new Set<string>();
  const drop = (events: readonly { uuid: string; event: string }[], reason: string) => {
    const time = new Date(now()).toISOString();
    const entries: LogEntry[] = events.map((e) => ({ time, uuid: e.uuid, event: e.event, status: 'dropped', reason }));
    report.dropped += discardLogged(options.spool, entries, options.localLog);
  };
  const expire = () => {
    const bounds = options.bounds;
    if (bounds)
      report.dropped += dropPastBounds({ spool: options.spool, bounds, now: now(), localLog: options.localLog });
  };
  // Consent withdrawn: everything pending is dropped and logged, never kept for a later run (SPEC §7).
  const withdrawn = (): boolean => {
    const decision = options.consent?.();
    if (!decision || decision.enabled) return false;
    const pending = options.spool.read();
    drop(pending, 'consent withdrawn');
    logger.trace('telemetry: consent withdrawn, spool dropped', { count: pending.length, reason: decision.reason });
    return true;
  };
  while (now() < options.deadlineAt) {
    if (withdrawn()) break;
    expire();
    // Events appended by other CLI runs meanwhile are picked up; each event is tried once per pass.
    const batch = options.spool
      .read()
      .filter((event) => !attempted.has(event.uuid))
      .slice(0, options.batchSize ?? 100);
    if (batch.length === 0) break;
    for (const event of batch) attempted.add(event.uuid);
    const uuids = batch.map((event) => event.uuid);
    if (options.bounds) options.spool.recordAttempt(uuids);
    const time = new Date(now()).toISOString();
    try {
      await options.sender.send(batch.map(outgoingOf));
    } catch (error) {
      if (withdrawn()) break;
      const retryable = isRetryableFailure(error);
      logger.trace('telemetry: spool batch failed', { count: batch.length, retryable, error: String(error) });
      if (retryable) {
        // An event whose last allowed attempt just failed is dropped now, not left to start another sender.
        expire();
        report.kept += options.spool.read().length;
        break;
      }
      drop(batch, 'refused by the endpoint');
      continue;
    }
    // Accepted: logged as sent whatever happens next. Removal is a step of its own, and a failed one is never a
    // reason to send the batch again (this pass skips attempted uuids; the spool keeps a delivered ledger).
    report.sent += batch.length;
    options.localLog?.record(batch.map((e) => ({ time, uuid: e.uuid, event: e.event, status: 'sent' as const })));
    logger.trace('telemetry: spool batch sent', { count: batch.length });
    try {
      options.spool.remove(uuids);
    } catch (error) {
      logger.trace('telemetry: sent batch could not be removed from the spool', { error: String(error) });
    }
  }
  options.localLog?.flush?.();
  return report;
}
