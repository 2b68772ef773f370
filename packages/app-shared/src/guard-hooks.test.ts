import { describe, expect, it } from 'vitest';
import { guardHooks } from './guard-hooks.js';

interface Hooks {
  counted(n: number): void;
  flush(): Promise<void>;
}

describe('guardHooks', () => {
  it('passes calls through with their arguments and `this`', async () => {
    const calls: unknown[] = [];
    const hooks = {
      prefix: 'x',
      counted(n: number) {
        calls.push(`${this.prefix}${n}`);
      },
      async flush() {
        calls.push('flush');
      },
    };
    const guarded = guardHooks<Hooks>(hooks, { counted: true, flush: true });
    guarded.counted(2);
    await guarded.flush();
    expect(calls).toEqual(['x2', 'flush']);
    expect(Object.keys(guarded)).toEqual(['counted', 'flush']);
  });

  it('swallows throws and rejections', async () => {
    const guarded = guardHooks<Hooks>(
      {
        counted() {
          throw new Error('boom');
        },
        flush: () => Promise.reject(new Error('down')),
      },
      { counted: true, flush: true },
    );
    expect(() => guarded.counted(1)).not.toThrow();
    await expect(guarded.flush()).resolves.toBeUndefined();
    const throwing = guardHooks<Hooks>(
      {
        counted() {},
        flush() {
          throw new Error('sync');
        },
      },
      { counted: true, flush: true },
    );
    await expect(throwing.flush()).resolves.toBeUndefined();
  });
});
