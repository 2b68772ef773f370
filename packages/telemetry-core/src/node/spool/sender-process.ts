// Entry point of the detached sender (SPEC §7). It receives the path of its 0600 configuration file, reads and
// deletes it, sends the spool with posthog-node, and exits; a hard timer caps its life whatever the network does.
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { createConsentResolver } from '../consent.js';
import { createLocalLog } from '../local-log.js';
import { createPostHogSender } from '../posthog-sender.js';
import { createTraceLogger } from '../trace-logger.js';
import { deliverSpool } from './delivery-pass.js';
import { openSpool } from './disk-spool.js';
import type { DetachedSenderConfig } from './sender-launcher.js';
import { claimSenderSlot, releaseSenderSlot } from './sender-slot.js';
import { spoolTriedFile, writeSenderStamp } from './sender-throttle.js';
import { senderTiming } from './sender-timing.js';

async function main(config: DetachedSenderConfig): Promise<void> {
  // The cap timer is deliberately not unref'd: it keeps this process alive through retry pauses.
  setTimeout(() => {
    releaseSenderSlot(config.pidFile);
    process.exit(0);
  }, config.capMs);
  const traceFile = config.traceFile;
  const logger = createTraceLogger(traceFile !== undefined, (line) => traceFile && appendFileSync(traceFile, line));
  const resolver = config.consent ? createConsentResolver(config.consent.names, config.consent.places) : undefined;
  const timing = senderTiming(config, Date.now());
  const sender = createPostHogSender({
    host: config.host,
    apiKey: config.apiKey,
    requestTimeoutMs: timing.requestTimeoutMs,
    logger,
    noAttemptAfter: timing.lastStartAt,
    ...(resolver ? { mayAttempt: () => resolver.decide().enabled } : {}),
  });
  const spool = openSpool(config.spoolPath);
  const localLog = config.logPath ? createLocalLog(config.logPath) : undefined;
  const attempted = new Set<string>();
  const deadlineAt = timing.lastStartAt;
  const untried = () => spool.read().some((event) => !attempted.has(event.uuid));
  // A CLI run appends before it looks for a running sender, and this process releases its slot before it
  // looks at the spool again: so an event appended while we were sending is either seen here or starts a
  // sender of its own, never left waiting for the next run.
  while (Date.now() < deadlineAt && claimSenderSlot(config.pidFile)) {
    // Every event queued before this moment is tried by this pass (the throttle's "tried" time, SPEC §7).
    writeSenderStamp(spoolTriedFile(config.spoolPath), Date.now());
    try {
      const report = await deliverSpool({
        spool,
        sender,
        deadlineAt,
        localLog,
        logger,
        attempted,
        consent: resolver && (() => resolver.decide()),
        bounds: config.bounds,
      });
      logger.trace('telemetry: sender pass finished', { ...report });
    } finally {
      releaseSenderSlot(config.pidFile);
    }
    if (!untried()) break;
  }
  await sender.close?.();
}

function readConfig(path: string | undefined): DetachedSenderConfig {
  if (!path) process.exit(0);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DetachedSenderConfig;
  } finally {
    rmSync(path, { force: true });
  }
}

main(readConfig(process.argv[2])).then(
  () => process.exit(0),
  () => process.exit(0),
);
