import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from './wait.js';

/** Whether tmux is installed; the terminal tests fail (never skip) without it. */
export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
}

/** A message for the failing test when tmux is missing. */
export const TMUX_MISSING =
  'tmux is required for the terminal tests of `elmo init` (they drive a real terminal): apt-get install -y tmux';

/** A command running in a real terminal (a detached tmux session on a private socket). */
export interface TerminalSession {
  /** The visible screen, as text. */
  screen(): string;
  /** Sends tmux key names (`Enter`, `Down`, `BSpace`) or literal text (`{ text }`). */
  press(...keys: (string | { text: string })[]): void;
  /** Waits until the screen shows `pattern`. */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Waits for the command to exit and returns its exit status. */
  waitForExit(timeoutMs?: number): Promise<number>;
  /** Kills the tmux server (and with it the command). */
  close(): void;
}

/**
 * Starts `argv` in a new tmux session with exactly `env` (plus TERM). The server gets a private socket in
 * `dir` and no user config; a wrapper shell writes the exit status to a file in `dir`.
 */
export function startTerminal(argv: readonly string[], env: Record<string, string>, dir: string): TerminalSession {
  const socket = join(dir, 'tmux.sock');
  const config = join(dir, 'tmux.conf');
  writeFileSync(config, 'set -g remain-on-exit on\nset -g history-limit 5000\n');
  const tmuxEnv = { PATH: env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color', HOME: env.HOME ?? dir };
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-S', socket, '-f', config, ...args], { env: tmuxEnv, encoding: 'utf8' });
  // tmux's own pane_dead_status is sometimes never filled in; a wrapper shell records the exit status instead.
  const statusFile = join(dir, 'exit-status');
  const script = '"$@"; echo "$?" > "$ELMO_TEST_STATUS_FILE"';
  const vars = Object.entries({ ...env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${v}`);
  const command = ['env', '-i', ...vars, `ELMO_TEST_STATUS_FILE=${statusFile}`, 'sh', '-c', script, 'sh', ...argv];
  tmux('new-session', '-d', '-s', 'elmo', '-x', '120', '-y', '50', ...command);
  const screen = () => tmux('capture-pane', '-p', '-t', 'elmo', '-S', '-5000');
  const exitStatus = () => {
    try {
      const text = readFileSync(statusFile, 'utf8');
      return text.endsWith('\n') ? Number(text.trim()) : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    screen,
    press(...keys) {
      for (const key of keys) {
        if (typeof key === 'string') tmux('send-keys', '-t', 'elmo', key);
        else tmux('send-keys', '-t', 'elmo', '-l', key.text);
      }
    },
    async waitFor(pattern, timeoutMs = 10_000) {
      const matches = (text: string) => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
      try {
        await waitUntil(() => matches(screen()), `the terminal to show ${pattern}`, timeoutMs, 50);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- screen ---\n${screen()}`);
      }
      return screen();
    },
    async waitForExit(timeoutMs = 15_000) {
      try {
        await waitUntil(() => exitStatus() !== undefined, 'the command to exit', timeoutMs, 50);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- screen ---\n${screen()}`);
      }
      return exitStatus() as number;
    },
    close() {
      spawnSync('tmux', ['-S', socket, 'kill-server'], { env: tmuxEnv });
    },
  };
}
