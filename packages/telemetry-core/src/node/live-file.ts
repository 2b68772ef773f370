import { statSync } from 'node:fs';

/**
 * Wraps a file reader so that repeated calls re-read the file only when its modification time or size
 * changed, and at most once per `minIntervalMs`. Used to read consent live on every event cheaply.
 */
export function createLiveReader<T>(
  path: string,
  read: (path: string) => T,
  minIntervalMs = 500,
  now = Date.now,
): (() => T) & { invalidate(): void } {
  let cached: { value: T; key: string; checkedAt: number } | undefined;
  const keyOf = () => {
    try {
      // A missing file (a machine policy, usually) is answered without an exception to build.
      const stat = statSync(path, { throwIfNoEntry: false });
      return stat ? `${stat.mtimeMs}:${stat.size}:${stat.ino}` : 'error:ENOENT';
    } catch (error) {
      return `error:${(error as NodeJS.ErrnoException).code}`;
    }
  };
  const reader = () => {
    const time = now();
    if (cached && time - cached.checkedAt < minIntervalMs) return cached.value;
    const key = keyOf();
    if (cached && cached.key === key) {
      cached.checkedAt = time;
      return cached.value;
    }
    cached = { value: read(path), key, checkedAt: time };
    return cached.value;
  };
  // After this process writes the file itself, the next read must see the change at once.
  return Object.assign(reader, {
    invalidate() {
      cached = undefined;
    },
  });
}
