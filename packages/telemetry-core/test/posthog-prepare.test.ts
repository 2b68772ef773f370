import { type Sink, startSink } from '@elmo/posthog-sink';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingEvent } from '../src/envelope.js';
import { createPostHogSender } from '../src/node/posthog-sender.js';

let sink: Sink;
beforeEach(async () => {
  sink = await startSink();
});
afterEach(async () => {
  await sink.close();
});

let n = 0;
function events(count: number): OutgoingEvent[] {
  return Array.from({ length: count }, () => ({
    uuid: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    event: 'cmd',
    distinctId: 'install-1',
    timestamp: '2026-11-23T12:00:00.000Z',
    properties: { command: 'init' },
  }));
}

const uuidsAt = (sink: Sink) => sink.events.map((e) => e.uuid);

describe('the PostHog sender prepares the next batch while a request is in flight', () => {
  it('sends exactly the batch it is given, whether the hint matched it, started it or missed it', async () => {
    const sender = createPostHogSender({ host: sink.url, apiKey: 'phc_test', retryDelayMs: 10 });
    const [first, second, third, fourth] = [events(3), events(5), events(4), events(2)];
    // The hint is the start of the next batch: it is topped up with the rest.
    let sending = sender.send(first);
    sender.prepare?.(second.slice(0, 2));
    await sending;
    sending = sender.send(second);
    // A hint the next batch does not start with is discarded.
    sender.prepare?.(fourth);
    await sending;
    await sender.send(third);
    await sender.send(fourth);
    expect(uuidsAt(sink)).toEqual([...first, ...second, ...third, ...fourth].map((e) => e.uuid));
    // Each event once, and anonymous ones without a person profile; the envelope itself is left as it was.
    expect(sink.events.every((e) => e.properties.$process_person_profile === false)).toBe(true);
    expect(first[0]?.properties).toEqual({ command: 'init' });
  });

  it('a retry after a failed attempt runs on a fresh client and sends the batch once', async () => {
    const sender = createPostHogSender({ host: sink.url, apiKey: 'phc_test', retryDelayMs: 10, retryCount: 1 });
    const [first, second] = [events(2), events(3)];
    await sender.send(first);
    sink.setMode({ kind: 'status', status: 503, times: 1 });
    const sending = sender.send(second);
    sender.prepare?.(events(1));
    await sending;
    expect(uuidsAt(sink)).toEqual([...first, ...second].map((e) => e.uuid));
  });

  it('never sends a prepared batch by itself, and close discards it', async () => {
    const sender = createPostHogSender({ host: sink.url, apiKey: 'phc_test' });
    const sending = sender.send(events(1));
    sender.prepare?.(events(4));
    await sending;
    await new Promise((resolve) => setTimeout(resolve, 50));
    await sender.close?.();
    expect(sink.events).toHaveLength(1);
    expect(sink.requests).toHaveLength(1);
  });
});
