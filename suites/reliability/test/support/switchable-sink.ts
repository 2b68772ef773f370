import { readFileSync } from 'node:fs';
import { type ReceivedEvent, type ReceivedRequest, type Sink, type SinkMode, startSink } from '@elmo/posthog-sink';

// "Refused" and "down, then back up" need the destination's port to stop answering and later answer again.
// A closed sink cannot reopen, so this wrapper starts a new one on the same port and keeps what every
// incarnation received, so a test can count each event once across the outage.

/** A loopback sink that can go down and come back on the same port. */
export interface SwitchableSink {
  readonly url: string;
  readonly port: number;
  /** True while a sink listens on the port. */
  readonly isUp: boolean;
  /** Accepted events of every incarnation, in arrival order. */
  events(): ReceivedEvent[];
  /** Requests of every incarnation, in arrival order. */
  requests(): ReceivedRequest[];
  /** Every body byte (raw and decoded) of every incarnation. */
  rawBytes(): Buffer;
  /** Sets the mode now and for later incarnations. */
  setMode(mode: SinkMode): void;
  /** Stops listening (the port refuses connections) and destroys open sockets, hung ones included. */
  down(): Promise<void>;
  /** Listens again on the same port, in the current mode; resolves with the time it came up. */
  up(): Promise<number>;
  /** Forgets what was received so far (the mode is kept). */
  clear(): void;
  close(): Promise<void>;
}

// The port must still be free when the sink comes back. A port from the OS's range for "any free port" (Linux:
// ip_local_port_range, 32768–60999 by default) can be handed to another listener while the sink is down (another
// cell's sink, a server a test starts), and coming back then fails with EADDRINUSE: seen in CI. So the port is picked
// below that range, where no port-0 bind lands, and never twice at once in this process.
const LOWEST_PORT = 20_000;
const reserved = new Set<number>();

function firstEphemeralPort(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** A sink on a port outside the ephemeral range (see above), or on any free port where there is no room below it. */
async function startOnOwnPort(mode: SinkMode): Promise<Sink> {
  const below = firstEphemeralPort() - LOWEST_PORT;
  if (below < 1000) return startSink({ mode });
  for (let attempt = 0; ; attempt += 1) {
    const port = LOWEST_PORT + Math.floor(Math.random() * below);
    if (reserved.has(port)) continue;
    try {
      const sink = await startSink({ port, mode });
      reserved.add(port);
      return sink;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 50) throw error;
    }
  }
}

/** Starts a switchable sink on a free loopback port that stays its own while it is down. */
export async function startSwitchableSink(mode: SinkMode = 'healthy'): Promise<SwitchableSink> {
  let current: Sink | undefined = await startOnOwnPort(mode);
  const port = current.port;
  const url = current.url;
  const past: Sink[] = [];
  let wanted: SinkMode = mode;
  const all = () => [...past, ...(current ? [current] : [])];

  const down = async () => {
    if (!current) return;
    const closing = current;
    current = undefined;
    past.push(closing);
    await closing.close();
  };

  const up = async () => {
    if (current) return Date.now();
    // The port was ours a moment ago; a few retries cover a socket that is still being released.
    for (let attempt = 0; ; attempt += 1) {
      try {
        current = await startSink({ port, mode: wanted });
        return Date.now();
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };

  return {
    url,
    port,
    get isUp() {
      return current !== undefined;
    },
    events: () => all().flatMap((sink) => sink.events),
    requests: () => all().flatMap((sink) => sink.requests),
    rawBytes: () => Buffer.concat(all().map((sink) => sink.rawBytes())),
    setMode(next) {
      wanted = next;
      current?.setMode(next);
    },
    down,
    up,
    clear() {
      for (const sink of all()) sink.clear();
      past.length = 0;
    },
    async close() {
      await down();
      reserved.delete(port);
    },
  };
}
