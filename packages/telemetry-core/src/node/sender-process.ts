// Entry point of the detached sender (SPEC §7). It receives its configuration as one JSON argument,
// sends the spool with posthog-node, and exits; a hard timer caps its life whatever the network does.
import { appendFileSync } from 'node:fs';
import { deliverSpool } from './deliver-spool.js';
import { claimSenderSlot, type DetachedSenderConfig, releaseSenderSlot } from './detached-sender.js';
import { createLocalLog } from './local-log.js';
import { createPostHogSender } from './posthog-sender.js';
import { openSpool } from './spool.js';
import { createTraceLogger } from './trace-logger.js';

async function main(config: DetachedSenderConfig): Promise<void> {
  const cap = setTimeout(() => {
    releaseSenderSlot(config.pidFile);
    process.exit(0);
  }, config.capMs);
  // The cap timer is deliberately not unref'd: it keeps this process alive through retry pauses.
  if (!claimSenderSlot(config.pidFile)) return;
  const traceFile = config.traceFile;
  const logger = createTraceLogger(traceFile !== undefined, (line) => traceFile && appendFileSync(traceFile, line));
  const sender = createPostHogSender({
    host: config.host,
    apiKey: config.apiKey,
    requestTimeoutMs: config.requestTimeoutMs ?? 5000,
  });
  try {
    // Leave time inside the cap to close connections and release the slot.
    const deadlineAt = Date.now() + Math.max(0, config.capMs - 1000);
    const report = await deliverSpool({
      spool: openSpool(config.spoolPath),
      sender,
      deadlineAt,
      localLog: config.logPath ? createLocalLog(config.logPath) : undefined,
      logger,
    });
    logger.trace('telemetry: sender finished', { ...report });
    await sender.close?.();
  } finally {
    releaseSenderSlot(config.pidFile);
  }
}

const config = JSON.parse(process.argv[2] ?? '{}') as DetachedSenderConfig;
main(config).then(
  () => process.exit(0),
  () => process.exit(0),
);
