/** Runs flushes one at a time, with at most one waiting, and on a timer after the first queued event. */
export interface FlushScheduler {
  /** Flushes now, or joins the single flush waiting behind the running one. Never rejects. */
  flush(): Promise<void>;
  /** Arms the interval timer unless it is armed, disabled or stopped. */
  schedule(): void;
  /** Disarms the timer for good; `flush` still works. */
  stop(): void;
}

/** Creates a FlushScheduler around `flushOnce`; an `intervalMs` of 0 or less disables the timer. */
export function createFlushScheduler(options: { flushOnce: () => Promise<void>; intervalMs: number }): FlushScheduler {
  let running: Promise<void> | undefined;
  let pending: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
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
    schedule() {
      if (timer || options.intervalMs <= 0 || stopped) return;
      timer = setTimeout(() => {
        timer = undefined;
        void flush();
      }, options.intervalMs);
      timer.unref?.();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
