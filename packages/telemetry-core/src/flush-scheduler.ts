/** Runs flushes one at a time, with at most one waiting, and on a timer after the first queued event. */
export interface FlushScheduler {
  /** Flushes now, or joins the single flush waiting behind the running one. Never rejects. */
  flush(): Promise<void>;
  /**
   * Arms the timer to flush in `delayMs` (default: the interval) unless it is disabled or stopped; an armed
   * timer that would fire sooner is kept. The timer never holds the process.
   */
  schedule(delayMs?: number): void;
  /** Disarms the timer for good; `flush` still works. */
  stop(): void;
}

/** Creates a FlushScheduler around `flushOnce`; an `intervalMs` of 0 or less disables the timer. */
export function createFlushScheduler(options: { flushOnce: () => Promise<void>; intervalMs: number }): FlushScheduler {
  let running: Promise<void> | undefined;
  let pending: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let dueAt = 0;
  let stopped = false;

  // At most one flush runs and one waits behind it: a burst of track() calls against a slow endpoint
  // coalesces into a single pending flush instead of a chain that grows with every event.
  const flush = (): Promise<void> => {
    if (!running) {
      running = options
        .flushOnce()
        .catch(() => {})
        .finally(() => {
          running = undefined;
        });
      return running;
    }
    pending ??= running.then(() => {
      pending = undefined;
      return flush();
    });
    return pending;
  };

  return {
    flush,
    schedule(delayMs = options.intervalMs) {
      if (options.intervalMs <= 0 || stopped) return;
      const at = Date.now() + delayMs;
      if (timer && dueAt <= at) return;
      if (timer) clearTimeout(timer);
      dueAt = at;
      timer = setTimeout(() => {
        timer = undefined;
        void flush();
      }, delayMs);
      timer.unref?.();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
