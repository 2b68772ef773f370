import { type ConsentDecision, consentUnavailable } from './consent.js';
import type { TraceLogger } from './ports.js';
import type { TraceGuard } from './trace-guard.js';

/** Reads consent, notices when its answer changes, and tells whoever listens. */
export interface ConsentWatcher {
  /** Reads consent now; an unreadable consent counts as disabled. A change of `enabled` or `mode` is announced. */
  read(): ConsentDecision;
  /** Adds a listener called whenever a read gives a different answer; returns its remover. */
  onChange(listener: (decision: ConsentDecision) => void): () => void;
  /** Stops re-reading on the timer. */
  stop(): void;
}

/** Creates a ConsentWatcher; with `pollMs` > 0 it re-reads consent on an unref'd timer. */
export function createConsentWatcher(options: {
  consent: () => ConsentDecision;
  logger: TraceLogger;
  guard: TraceGuard;
  /** Called on a withdrawal, before the listeners. */
  onWithdrawn: () => void;
  pollMs?: number;
}): ConsentWatcher {
  const { logger, guard } = options;
  const listeners = new Set<(decision: ConsentDecision) => void>();
  let lastDecision: ConsentDecision | undefined;

  const read = (): ConsentDecision => {
    let decision: ConsentDecision;
    try {
      decision = options.consent();
    } catch (error) {
      decision = consentUnavailable('disabled because consent could not be read');
      logger.trace('telemetry: consent could not be read', { error: String(error) });
    }
    // A change of mode is announced too (local ↔ off keeps `enabled` false but changes what is recorded).
    const previous = lastDecision;
    if (previous && (previous.enabled !== decision.enabled || previous.mode !== decision.mode)) {
      lastDecision = decision;
      if (previous.enabled && !decision.enabled) options.onWithdrawn();
      for (const listener of listeners) guard('consent listener', () => listener(decision));
    }
    lastDecision = decision;
    return decision;
  };

  let timer: ReturnType<typeof setInterval> | undefined;
  if ((options.pollMs ?? 0) > 0) {
    timer = setInterval(() => read(), options.pollMs);
    timer.unref?.();
  }

  return {
    read,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
