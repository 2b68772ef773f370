import { closeSync, openSync, readSync } from 'node:fs';

// Random version 4 UUIDs for a short-lived process. Loading node:crypto (OpenSSL's bindings and a few dozen modules)
// took ~3.5 ms here and its first randomUUID() another half a millisecond: more than everything else a CLI run does
// for telemetry. The kernel's random device gives the same cryptographically secure bytes through node:fs, which every
// run has loaded already. Where there is no such device (Windows), node:crypto it is.

const RANDOM_DEVICE = '/dev/urandom';
// Sixteen ids per read: a CLI run needs two or three.
const POOL_BYTES = 16 * 16;

/** Formats 16 random bytes as a version 4 (random) UUID: the version and variant bits set as RFC 9562 says. */
export function formatUuidV4(bytes: Uint8Array): string {
  const hex: string[] = [];
  for (let i = 0; i < 16; i += 1) {
    let byte = bytes[i] as number;
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    if (i === 8) byte = (byte & 0x3f) | 0x80;
    hex.push(byte.toString(16).padStart(2, '0'));
    if (i === 3 || i === 5 || i === 7 || i === 9) hex.push('-');
  }
  return hex.join('');
}

/**
 * A source of random version 4 UUIDs read from `device` (the kernel's random device), sixteen ids per read; where
 * it cannot be read, every id comes from `fallback` (node:crypto's randomUUID, loaded only then).
 */
export function createRandomUuid(fallback: () => string, device = RANDOM_DEVICE): () => string {
  const pool = Buffer.alloc(POOL_BYTES);
  let offset = POOL_BYTES;
  let unreadable = false;
  const fill = (): boolean => {
    try {
      const fd = openSync(device, 'r');
      try {
        let read = 0;
        while (read < POOL_BYTES) {
          const n = readSync(fd, pool, read, POOL_BYTES - read, null);
          if (n === 0) throw new Error(`${device} ended`);
          read += n;
        }
      } finally {
        closeSync(fd);
      }
      offset = 0;
      return true;
    } catch {
      unreadable = true;
      return false;
    }
  };
  return () => {
    if (unreadable || (offset >= POOL_BYTES && !fill())) return fallback();
    const bytes = pool.subarray(offset, offset + 16);
    offset += 16;
    const id = formatUuidV4(bytes);
    // Each byte of the pool is used once. A loop, not fill(): Buffer's fill() costs ~0.1 ms on its first call.
    for (let i = 0; i < 16; i += 1) bytes[i] = 0;
    return id;
  };
}
