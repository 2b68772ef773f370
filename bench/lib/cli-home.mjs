// A private, realistic world for running the built `elmo` CLI in benchmarks (the .mjs twin of
// apps/cli/test/support/test-home.ts): home, XDG folders and deployment folder in a temp folder, and an
// explicit environment that never inherits the bench's own (CI=true there would turn telemetry off).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { timeProcess } from './processes.mjs';

/** The built CLI (`apps/cli/dist/bin.js`), found through the workspace dependency. */
export const ELMO_BIN = join(
  dirname(createRequire(import.meta.url).resolve('@elmo/cli/package.json')),
  'dist',
  'bin.js',
);

/** Live processes whose command line contains `marker`, from /proc (Linux); zombies are left out. */
export function findProcesses(marker) {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const state = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0];
      if (state !== 'Z' && cmdline.includes(marker)) found.push({ pid: Number(entry), cmdline });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound by the OS, then released): connections are refused. */
export function closedPort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Creates a temp home for the CLI pointed at `sinkUrl`. `extraEnv` is added to every run (e.g. the sender
 * cap knob). The detached sender gets the spool path (inside `root`) as its argument, so /proc finds exactly
 * the senders this home started.
 */
export function createCliHome(sinkUrl, extraEnv = {}) {
  const root = mkdtempSync(join(tmpdir(), 'elmo-bench-cli-'));
  const home = join(root, 'home');
  mkdirSync(home);
  const stateDir = join(home, '.local', 'state', 'elmo');
  const base = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    ELMO_HOME: join(root, 'deploy'),
    ELMO_POSTHOG_HOST: sinkUrl,
    ELMO_POSTHOG_KEY: 'phc_bench',
    ...extraEnv,
  };
  const env = (extra = {}) => ({ ...base, ...extra });
  const senders = () => findProcesses(root).filter((p) => p.cmdline.includes('sender-process'));
  const pidFiles = [join(stateDir, 'telemetry-sender.pid'), join(stateDir, 'explicit-sender.pid')];
  return {
    root,
    stateDir,
    spoolFile: join(stateDir, 'telemetry-spool.jsonl'),
    env,
    /** Runs `node [nodeArgs] bin.js …args` with this home's environment plus `extra`; resolves with timeProcess's answer. */
    run: (args, { extra, nodeArgs = [], capMs = 30_000 } = {}) =>
      timeProcess(process.execPath, [...nodeArgs, ELMO_BIN, ...args], { env: env(extra), capMs }),
    senders,
    /** How many events wait in the telemetry spool. */
    spoolEvents() {
      try {
        return readFileSync(join(stateDir, 'telemetry-spool.jsonl'), 'utf8').split('\n').filter(Boolean).length;
      } catch {
        return 0;
      }
    },
    /** Resolves once no detached sender of this home runs (no pid file, no process); throws after `timeoutMs`. */
    async waitForSenders(timeoutMs = 40_000) {
      const deadline = Date.now() + timeoutMs;
      while (pidFiles.some((f) => existsSync(f)) || senders().length > 0) {
        if (Date.now() > deadline) throw new Error(`the detached senders of ${root} did not exit`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    /** Kills (by pid) any sender of this home still alive, and removes the folder. */
    cleanup() {
      for (const { pid } of senders()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `elmo init --yes --telemetry` once, so that consent is recorded, the first-run notice was shown, and
 * an install id and a deployment exist: the state of a user who set Elmo up and now runs commands.
 */
export async function initCliHome(cliHome) {
  const result = await cliHome.run(['init', '--yes', '--telemetry']);
  if (result.code !== 0) throw new Error(`elmo init failed (${result.code}): ${result.stderr}`);
  await cliHome.waitForSenders();
}
