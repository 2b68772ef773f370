import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ReceivedEvent } from './capture.js';
import { createHandler } from './handler.js';
import { ModeController, type SinkMode, type SinkModeSpec } from './modes.js';
import { type ReceivedRequest, Recorder, type WaitOptions } from './recorder.js';

/** Options for `startSink`; every one has a loopback-safe default. */
export interface SinkOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default `127.0.0.1`: the sink is never reachable from other machines unless asked. */
  host?: string;
  /** Default `healthy`. */
  mode?: SinkMode;
  /** When set, any other project token is answered 401. */
  token?: string;
  /** Largest body kept in memory (and largest inflated body); larger ones get 413. Default 20 MB. */
  maxBodyBytes?: number;
  /** Clock for `receivedAt`; defaults to `Date.now`. */
  now?: () => number;
  /** Called for each accepted event (the bin logs them). */
  onEvent?: (event: ReceivedEvent) => void;
  /** Called when a request's outcome is known. */
  onRequest?: (request: ReceivedRequest) => void;
}

/** A running PostHog-compatible receiver on a loopback port. */
export interface Sink {
  /** Base URL to give a PostHog client as its host, e.g. `http://127.0.0.1:54321`. */
  readonly url: string;
  readonly port: number;
  /**
   * Accepted events in arrival order (a live array). As at PostHog, a complete valid body counts even when its
   * answer never reached the client (`hang`, `lost-response`, a client that gave up on `slow`): see
   * `acceptedUnanswered`.
   */
  readonly events: ReceivedEvent[];
  /** Every PostHog request, whatever was answered (the sink's own page and /api are not recorded). */
  readonly requests: ReceivedRequest[];
  /** The current mode, with `times` counted down. */
  readonly mode: SinkModeSpec;
  /** Every raw and decoded body byte received, for asserting a secret never reached the wire. */
  rawBytes(): Buffer;
  setMode(mode: SinkMode): void;
  /** Resolves with all events once `count` have arrived; rejects on timeout listing what did arrive. */
  waitForEvents(count: number, options?: WaitOptions): Promise<ReceivedEvent[]>;
  /** Resolves with the matching events once `options.count` (default 1) match. */
  waitForEvents(
    match: (event: ReceivedEvent) => boolean,
    options?: WaitOptions & { count?: number },
  ): Promise<ReceivedEvent[]>;
  /** Like `waitForEvents`, over requests (useful when a mode means no event is accepted). */
  waitForRequests(
    match: number | ((request: ReceivedRequest) => boolean),
    options?: WaitOptions & { count?: number },
  ): Promise<ReceivedRequest[]>;
  /** Forgets received events and requests; the mode is kept. */
  clear(): void;
  /** Stops listening and destroys every open socket, including hung ones. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;

/** Starts a PostHog-compatible loopback receiver. */
export async function startSink(options: SinkOptions = {}): Promise<Sink> {
  const recorder = new Recorder();
  const modes = new ModeController(options.mode ?? 'healthy');
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server = createServer(
    // Hung requests must stay open as long as a test wants; the sink's close() is what ends them.
    { requestTimeout: 0 },
    createHandler({
      recorder,
      modes,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      token: options.token,
      now: options.now ?? Date.now,
      delay,
      onEvent: options.onEvent,
      onRequest: options.onRequest,
    }),
  );
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Client resets are expected in fault tests; without a listener they would crash the process.
  server.on('clientError', (_error, socket) => socket.destroy());

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolve());
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      recorder.failWaiters('The sink was closed while waiting');
    });
    return closing;
  };

  return {
    url: `http://${urlHost}:${port}`,
    port,
    events: recorder.events,
    requests: recorder.requests,
    get mode() {
      return modes.current;
    },
    rawBytes: () => recorder.rawBytes(),
    setMode: (mode) => modes.set(mode),
    waitForEvents: (
      match: number | ((event: ReceivedEvent) => boolean),
      waitOptions?: WaitOptions & { count?: number },
    ) => recorder.waitForEvents(match, waitOptions),
    waitForRequests: (match, waitOptions) => recorder.waitForRequests(match, waitOptions),
    clear: () => recorder.clear(),
    close,
  };
}
