import type { IncomingHttpHeaders } from 'node:http';
import type { ReceivedEvent } from './capture.js';

/**
 * How a request ended:
 * - `answered`: the client got a status (see `status`).
 * - `hung`: the mode never answered; a complete valid body's events were still recorded.
 * - `reset`: the mode reset the connection before processing; nothing was recorded.
 * - `lost`: `lost-response` processed it like a healthy request, then reset instead of answering.
 * - `aborted`: the client went away, mid-body (nothing recorded) or while waiting for a slow answer (recorded).
 *
 * `accepted > 0` with `hung`, `aborted` or `lost` means accepted but the client was never told, as when PostHog's
 * answer is lost: a client that resends such a batch creates a duplicate. `acceptedUnanswered` tests for it.
 */
export type RequestOutcome = 'pending' | 'answered' | 'hung' | 'reset' | 'lost' | 'aborted';

/** True when the request's events were recorded but the client never received an answer (so it may resend). */
export function acceptedUnanswered(request: ReceivedRequest): boolean {
  return (
    request.accepted > 0 && (request.outcome === 'hung' || request.outcome === 'aborted' || request.outcome === 'lost')
  );
}

/** One request a PostHog client made, whatever the sink answered. */
export interface ReceivedRequest {
  method: string;
  /** Pathname as sent, e.g. `/batch/`. */
  path: string;
  /** Path and query string as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The body bytes exactly as received (gzip stays gzip). */
  body: Buffer;
  /** The decoded body text (after gunzip, form and base64), when it could be decoded. */
  text?: string;
  /** The parsed JSON body, when it could be parsed. */
  payload?: unknown;
  /** The status answered; undefined while pending or when never answered. */
  status?: number;
  outcome: RequestOutcome;
  /** How many events from this request were accepted into `events`, whether or not the client was told. */
  accepted: number;
  receivedAt: number;
}

/** Options for the `waitFor…` helpers. */
export interface WaitOptions {
  /** Default 5000 ms. */
  timeoutMs?: number;
}

/** What a wait looks for: that many items, or items that match (`count` of them, default 1). */
export type WaitMatch<T> = number | ((item: T) => boolean);

/** Options of a wait, with how many matching items it needs. */
export type CountedWaitOptions = WaitOptions & { count?: number };

interface Waiter {
  check(): boolean;
  fail(error: Error): void;
}

const DEFAULT_WAIT_MS = 5000;

/** Keeps what the sink received and wakes up tests waiting for it. */
export class Recorder {
  readonly events: ReceivedEvent[] = [];
  readonly requests: ReceivedRequest[] = [];
  readonly #waiters = new Set<Waiter>();

  addRequest(request: ReceivedRequest): ReceivedRequest {
    this.requests.push(request);
    this.#notify();
    return request;
  }

  addEvents(request: ReceivedRequest, events: readonly ReceivedEvent[]): void {
    this.events.push(...events);
    request.accepted += events.length;
    this.#notify();
  }

  /** Re-checks waiters after a request record changed (e.g. its outcome became known). */
  touch(): void {
    this.#notify();
  }

  /** Every raw and decoded body byte, so a privacy test can assert a secret never reached the wire. */
  rawBytes(): Buffer {
    return Buffer.concat(
      this.requests.flatMap((request) =>
        request.text === undefined ? [request.body] : [request.body, Buffer.from(request.text, 'utf8')],
      ),
    );
  }

  clear(): void {
    this.events.length = 0;
    this.requests.length = 0;
  }

  waitForEvents(match: WaitMatch<ReceivedEvent>, options: CountedWaitOptions = {}): Promise<ReceivedEvent[]> {
    const received = () => `events received (${this.events.length}): ${summarizeEvents(this.events)}`;
    return this.#waitFor('event', this.events, match, options, received);
  }

  waitForRequests(match: WaitMatch<ReceivedRequest>, options: CountedWaitOptions = {}): Promise<ReceivedRequest[]> {
    return this.#waitFor('request', this.requests, match, options, () => '');
  }

  /** Rejects every pending wait: nothing more can arrive once the sink is closed. */
  failWaiters(reason: string): void {
    for (const waiter of this.#waiters) waiter.fail(new Error(reason));
  }

  // `items` is one of the live lists above, read again at every check; `extra` adds to the timeout message.
  #waitFor<T>(
    noun: string,
    items: readonly T[],
    match: WaitMatch<T>,
    options: CountedWaitOptions,
    extra: () => string,
  ): Promise<T[]> {
    const { select, what } = selector(match, options.count, noun);
    return this.#wait(() => select(items), what, extra, options);
  }

  #wait<T>(select: () => T[] | undefined, what: string, extra: () => string, options: WaitOptions): Promise<T[]> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    return new Promise<T[]>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const found = select();
          if (found === undefined) return false;
          done();
          resolve(found);
          return true;
        },
        fail: (error) => {
          done();
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        const lines = [`Timed out after ${timeoutMs} ms waiting for ${what}.`, extra(), this.#summarizeRequests()];
        waiter.fail(new Error(lines.filter(Boolean).join('\n')));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      this.#waiters.add(waiter);
      waiter.check();
    });
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter.check();
  }

  #summarizeRequests(): string {
    const lines = this.requests.map(
      (r) => `  ${r.method} ${r.url} -> ${r.status ?? r.outcome}${r.accepted > 0 ? ` (${r.accepted} accepted)` : ''}`,
    );
    return `requests received (${this.requests.length})${lines.length > 0 ? `:\n${lines.join('\n')}` : '.'}`;
  }
}

function selector<T>(
  match: WaitMatch<T>,
  count: number | undefined,
  noun: string,
): { select: (items: readonly T[]) => T[] | undefined; what: string } {
  if (typeof match === 'number') {
    return { select: (items) => (items.length >= match ? [...items] : undefined), what: `${match} ${noun}(s)` };
  }
  const needed = count ?? 1;
  return {
    select: (items) => {
      const found = items.filter(match);
      return found.length >= needed ? found : undefined;
    },
    what: `${needed} matching ${noun}(s)`,
  };
}

function summarizeEvents(events: readonly ReceivedEvent[]): string {
  if (events.length === 0) return 'none';
  return events.map((e) => `${e.event} from ${e.distinctId}`).join(', ');
}
