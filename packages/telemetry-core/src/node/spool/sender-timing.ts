/** What the detached sender's timing depends on. */
export interface SenderTimingConfig {
  /** Hard cap on the sender's lifetime (SPEC §7: 30 s). */
  capMs: number;
  /** Per-request timeout asked for (default and most 5 s). */
  requestTimeoutMs?: number;
}

/** Time the sender keeps inside its cap to close connections and release its slot. */
export const SENDER_EXIT_RESERVE_MS = 1000;

/**
 * When the detached sender may start a batch (or a retry) and how long a request may take. SPEC §7: no new batch
 * starts after the deadline minus the request timeout, so a batch is never cut off by the cap after PostHog
 * accepted it (it would be sent again by the next sender). The request timeout is at most a third of the cap,
 * so that a short cap still leaves time to send: 5 s under the real 30 s cap.
 */
export function senderTiming(
  config: SenderTimingConfig,
  startedAt: number,
): { requestTimeoutMs: number; lastStartAt: number } {
  const requestTimeoutMs = Math.max(1, Math.min(config.requestTimeoutMs ?? 5000, 5000, Math.floor(config.capMs / 3)));
  const deadlineAt = startedAt + Math.max(0, config.capMs - SENDER_EXIT_RESERVE_MS);
  return { requestTimeoutMs, lastStartAt: deadlineAt - requestTimeoutMs };
}
