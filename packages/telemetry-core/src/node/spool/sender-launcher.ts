import { rmSync } from 'node:fs';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsentNames, ConsentPlaces } from '../consent.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { createLocalLog } from '../local-log.js';
import { readLivePid } from '../pid-file.js';
import { createRandomUuid } from '../random-uuid.js';
import { openSpool } from './disk-spool.js';
import { dropPastBounds, type RetryBounds } from './retry-bounds.js';
import { isSpoolSenderDue, type SenderThrottle, writeSenderStamp } from './sender-throttle.js';

/**
 * Everything the detached sender needs, handed over in a 0600 file that it reads and deletes (never argv, which
 * every user of the machine can read), so it never reads user code or the product's settings code.
 */
export interface DetachedSenderConfig {
  spoolPath: string;
  pidFile: string;
  host: string;
  apiKey: string;
  logPath?: string;
  /** Trace lines go here when set (the sender has no terminal). */
  traceFile?: string;
  /** Hard cap on the sender's lifetime (SPEC §7: 30 s). */
  capMs: number;
  requestTimeoutMs?: number;
  /**
   * The consent rules' names and places: asked again before every batch, so that a withdrawal made while the
   * sender waits on a slow endpoint drops what is pending (SPEC §7). Absent for explicit submissions, which
   * are sent by a person's own request whatever the consent.
   */
  consent?: { names: ConsentNames; places: ConsentPlaces };
  /**
   * Retry bounds (explicit submissions, SPEC §6: `EXPLICIT_RETRY_BOUNDS`): each attempt is counted in the spool,
   * and an event past them is dropped and logged, before a sender is started for it and by the sender itself.
   */
  bounds?: RetryBounds;
}

/**
 * The only variables the detached sender inherits (SPEC §7): what it needs to reach a real endpoint, and nothing
 * that could load code into it (`NODE_OPTIONS` never) or that it has no use for (keys, tokens, the user's
 * settings). Only those set in the parent are passed.
 * - `NODE_EXTRA_CA_CERTS`: a CA bundle Node adds to its own, e.g. for a corporate TLS-inspecting proxy; without
 *   it the sender's HTTPS requests fail where the person's other Node tools succeed.
 * - `SSL_CERT_FILE`, `SSL_CERT_DIR`: the system's OpenSSL trust store when it is not in the default place (Node
 *   honours them with `--use-openssl-ca`, and distributions that build Node that way read them by default).
 */
export const SENDER_ENV_ALLOWLIST: readonly string[] = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

/**
 * On Windows only: `SystemRoot`, without which the OS's networking and crypto libraries cannot load (sockets
 * fail with WSAEPROVIDERFAILEDINIT and random bytes are unavailable).
 */
export const SENDER_ENV_ALLOWLIST_WINDOWS: readonly string[] = ['SystemRoot'];

/** The detached sender's environment: the allow-listed variables that are set in `parent`, nothing else. */
export function senderEnvironment(
  parent: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  const names =
    platform === 'win32' ? [...SENDER_ENV_ALLOWLIST, ...SENDER_ENV_ALLOWLIST_WINDOWS] : SENDER_ENV_ALLOWLIST;
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = parent[name];
    if (value) env[name] = value;
  }
  return env;
}

/** The sender's entry file, shipped beside this module (resolved on use: bundlers rewrite module URLs). */
export function detachedSenderEntry(): string {
  return fileURLToPath(new URL('./sender-process.js', import.meta.url));
}

/** How a run decides to start a sender, beside what the sender itself is handed. */
export interface LaunchOptions {
  /**
   * Start a sender only when one is due (`isSenderDue`), and record each start in `throttle.stampFile`. Without
   * it, a sender starts on every run that finds events (explicit submissions: SPEC §6).
   */
  throttle?: SenderThrottle;
  /** The clock (tests pass a fixed one). */
  now?: () => number;
}

/**
 * Starts the detached sender when the spool has events, no sender is running and, with `options.throttle`, one
 * is due (SPEC §7: none started in the last minute, a batch waiting, or an event that waited a minute). With
 * `config.bounds`, events past them are dropped (and logged) first, so a spool holding only those starts
 * nothing. The child is unref'd, gets no terminal and only the allow-listed variables of `parentEnv`
 * (`senderEnvironment`: nothing like NODE_OPTIONS can load code into it), and runs in the spool's folder. `parentEnv` is the product's process
 * environment (the core never reads `process.env`); without it the child gets an empty one. Returns the child's
 * pid, or undefined when nothing was started.
 */
export function startDetachedSender(
  config: DetachedSenderConfig,
  // A function is asked only when a sender starts: finding the entry may mean resolving a package (the CLI's).
  entry: string | (() => string) = detachedSenderEntry,
  parentEnv: Readonly<Record<string, string | undefined>> = {},
  options: LaunchOptions = {},
): number | undefined {
  const now = options.now ?? Date.now;
  const spool = openSpool(config.spoolPath);
  if (spool.isEmpty()) return undefined;
  const { throttle } = options;
  // The throttle first: it decides most runs (no sender due), with no pid file to read.
  if (throttle && !isSpoolSenderDue(spool, throttle, now())) return undefined;
  // A running sender drops what is past the bounds itself, and may be making an event's last attempt right now.
  if (readLivePid(config.pidFile) !== undefined) return undefined;
  if (config.bounds) {
    const localLog = config.logPath ? createLocalLog(config.logPath) : undefined;
    dropPastBounds({ spool, bounds: config.bounds, now: now(), localLog });
    localLog?.flush?.();
    if (spool.isEmpty()) return undefined;
  }
  // Recorded before the start, so that a run ending at the same moment sees it (two may still both start: the
  // second sender finds the slot taken and exits).
  if (throttle) writeSenderStamp(throttle.stampFile, now());
  // node:child_process is loaded here, by a run that starts a sender, not by every run that could (~1.3 ms measured
  // alone), and the file's random name comes from the random device like every id of a CLI run (node:crypto only
  // where it cannot be read, random-uuid.ts).
  const { spawn } = process.getBuiltinModule('node:child_process');
  const configId = createRandomUuid(() => process.getBuiltinModule('node:crypto').randomUUID())();
  const configFile = join(dirname(config.spoolPath), `.sender-${configId}.json`);
  writeFileAtomic(configFile, JSON.stringify(config));
  const child = spawn(process.execPath, [typeof entry === 'function' ? entry() : entry, configFile], {
    detached: true,
    stdio: 'ignore',
    env: senderEnvironment(parentEnv),
    cwd: dirname(config.spoolPath),
    windowsHide: true,
  });
  child.on('error', () => rmSync(configFile, { force: true }));
  child.unref();
  // Background work: it must never compete with what the person runs next.
  if (child.pid) {
    try {
      setPriority(child.pid, 10);
    } catch {}
  }
  return child.pid;
}
