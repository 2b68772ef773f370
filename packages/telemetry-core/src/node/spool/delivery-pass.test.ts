import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditDelivery, startSink } from '@elmo/posthog-sink';
import { useTempDir } from '@elmo/test-support/vitest';
import { describe, expect, it } from 'vitest';
import type { OutgoingEvent } from '../../envelope.js';
import { createMemorySender } from '../../testing/memory-sender.js';
import { createPostHogSender } from '../posthog-sender.js';
import { deliverSpool } from './delivery-pass.js';
import { openSpool } from './disk-spool.js';
import { senderTiming } from './sender-timing.js';

const temp = useTempDir();

const events = (count: number, prefix: string): OutgoingEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    uuid: `00000000-0000-4000-8000-${prefix}${String(i).padStart(12 - prefix.length, '0')}`,
    event: 'cli_command',
    distinctId: 'install-1',
    timestamp: '2026-12-01T00:00:00.000Z',
    properties: {},
  }));

describe('a delivery pass', () => {
  it('never sends a batch again because its removal from the spool failed (delivered ledger)', async () => {
    const sink = await startSink();
    try {
      const path = join(temp.path, 'spool.jsonl');
      const spool = openSpool(path, undefined, { lockTimeoutMs: 50 });
      spool.append(events(2, 'a'));
      // Another live process holds the spool's lock, so the removal after the send cannot rewrite the spool.
      writeFileSync(`${path}.lock`, `${process.ppid}\n`);
      const sender = createPostHogSender({ host: sink.url, apiKey: 'phc_test' });
      const first = await deliverSpool({ spool, sender, deadlineAt: Date.now() + 5000 });
      expect(first).toMatchObject({ sent: 2, kept: 0 });
      expect(spool.read()).toEqual([]);
      expect(existsSync(`${path}.delivered`)).toBe(true);

      // A later sender (a new process: nothing remembered in memory) finds nothing to send.
      const later = await deliverSpool({ spool, sender, deadlineAt: Date.now() + 5000 });
      expect(later.sent).toBe(0);
      expect(sink.requests).toHaveLength(1);
      expect(auditDelivery(sink.requests).resentAfterAnswer).toEqual([]);

      // Once the lock is free, the next removal applies the ledger and deletes it.
      rmSync(`${path}.lock`);
      const fresh = openSpool(path);
      fresh.append(events(1, 'b'));
      await deliverSpool({ spool: fresh, sender, deadlineAt: Date.now() + 5000 });
      expect(existsSync(`${path}.delivered`)).toBe(false);
      expect(existsSync(path)).toBe(false);
      expect(sink.events).toHaveLength(3);
    } finally {
      await sink.close();
    }
  });

  it('starts no batch at or after its deadline', async () => {
    let clock = 0;
    const spool = openSpool(join(temp.path, 'spool.jsonl'));
    spool.append(events(250, 'c'));
    const memory = createMemorySender();
    const sender = {
      send: async (batch: readonly OutgoingEvent[]) => {
        clock += 1000;
        await memory.send(batch);
      },
    };
    const report = await deliverSpool({ spool, sender, deadlineAt: 1500, now: () => clock });
    expect(memory.batches.map((b) => b.length)).toEqual([100, 100]);
    expect(report.sent).toBe(200);
    expect(spool.read()).toHaveLength(50);
  });
});

describe('the detached sender timing (SPEC §7)', () => {
  it('starts no attempt later than its cap minus a reserve and the request timeout', () => {
    expect(senderTiming({ capMs: 30_000 }, 0)).toEqual({ requestTimeoutMs: 5000, lastStartAt: 24_000 });
    // A short cap (tests) gets a shorter request timeout, so that something can still be sent.
    expect(senderTiming({ capMs: 4500, requestTimeoutMs: 5000 }, 100)).toEqual({
      requestTimeoutMs: 1500,
      lastStartAt: 100 + 3500 - 1500,
    });
  });

  it('a sender past its last start refuses at once, retryably, without a request', async () => {
    const sink = await startSink();
    try {
      const sender = createPostHogSender({ host: sink.url, apiKey: 'phc_test', noAttemptAfter: Date.now() - 1 });
      await expect(sender.send(events(1, 'd'))).rejects.toMatchObject({ retryable: true });
      expect(sink.requests).toEqual([]);
    } finally {
      await sink.close();
    }
  });
});
