import { describe, expect, it } from 'vitest';
import type { Sender } from './ports.js';
import { leaseSender } from './shared-sender.js';

describe('leaseSender', () => {
  it('closes the sender only when the last lease closes, once', async () => {
    let closes = 0;
    const sent: number[] = [];
    const sender: Sender = {
      send: async (events) => {
        sent.push(events.length);
      },
      close: async () => {
        closes += 1;
      },
    };
    const [a, b] = leaseSender(sender, 2) as [Sender, Sender];
    await a.close?.();
    await a.close?.();
    expect(closes).toBe(0);
    await b.send([]);
    expect(sent).toEqual([0]);
    await b.close?.();
    expect(closes).toBe(1);
  });
});
