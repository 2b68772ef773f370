import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isUuid } from '../sanitize.js';
import { createRandomUuid, formatUuidV4 } from './random-uuid.js';

describe('createRandomUuid', () => {
  it('gives distinct version 4 UUIDs from the random device, more than one pool of them', () => {
    let fallbacks = 0;
    const uuid = createRandomUuid(() => {
      fallbacks += 1;
      return randomUUID();
    });
    const ids = Array.from({ length: 1000 }, uuid);
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(isUuid(id)).toBe(true);
    }
    expect(fallbacks).toBe(process.platform === 'win32' ? 1000 : 0);
  });

  it('uses the fallback for every id when the device cannot be read', () => {
    let calls = 0;
    const uuid = createRandomUuid(() => `fallback-${++calls}`, '/nonexistent/random-device');
    expect([uuid(), uuid(), uuid()]).toEqual(['fallback-1', 'fallback-2', 'fallback-3']);
  });
});

describe('formatUuidV4', () => {
  it('sets the version and variant bits and keeps every other bit', () => {
    expect(formatUuidV4(new Uint8Array(16).fill(0xff))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(formatUuidV4(new Uint8Array(16))).toBe('00000000-0000-4000-8000-000000000000');
    const counting = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
    expect(formatUuidV4(counting)).toBe('00112233-4455-4677-8899-aabbccddeeff');
  });
});
