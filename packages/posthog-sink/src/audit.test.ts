import { afterEach, describe, expect, it } from 'vitest';
import { auditDelivery, type Sink, startSink } from './index.js';

let sink: Sink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

const body = (...uuids: string[]) =>
  JSON.stringify({
    api_key: 'phc_test',
    batch: uuids.map((uuid) => ({ event: 'e', distinct_id: 'd', uuid, properties: {} })),
  });

const post = (target: Sink, text: string) =>
  fetch(`${target.url}/batch/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
    signal: AbortSignal.timeout(300),
  }).then(
    (response) => response.status,
    () => 'no answer',
  );

describe('auditDelivery', () => {
  it('tells a resend after an answered acceptance (a defect) from one after an unanswered one', async () => {
    sink = await startSink();
    expect(await post(sink, body('a', 'b'))).toBe(200);
    expect(await post(sink, body('a'))).toBe(200);
    sink.setMode({ kind: 'hang', times: 1 });
    expect(await post(sink, body('c'))).toBe('no answer');
    expect(await post(sink, body('c', 'd'))).toBe(200);
    sink.setMode('status:500');
    expect(await post(sink, body('e'))).toBe(500);
    sink.setMode('healthy');
    expect(await post(sink, body('e'))).toBe(200);

    const audit = auditDelivery(sink.requests);
    expect([...audit.accepted].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(audit.resentAfterAnswer).toEqual(['a']);
    expect(audit.resentUnanswered).toEqual(['c']);
  });
});
