import { type ChildProcess, spawn } from 'node:child_process';

/** Environment variables for a child process; an undefined value leaves the variable out. */
export type Env = Record<string, string | undefined>;

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process with its combined output and a way to stop it by its own PID (never by name). */
export interface ManagedProcess {
  pid: number;
  child: ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) once the process ended. */
  exited: Promise<ProcessExit>;
  /** Sends `signal` (default SIGTERM) to the PID, SIGKILL after `timeoutMs` (default 5 s); resolves on exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ProcessExit>;
}

/** Spawns `command` with `args` and exactly `options.env`, capturing its output. */
export function startProcess(command: string, args: string[], options: { cwd: string; env: Env }): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  return {
    pid,
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 5000) {
      if (ended) return exited;
      try {
        process.kill(pid, signal);
      } catch {
        return exited; // Already gone.
      }
      const timer = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Exited meanwhile.
        }
      }, timeoutMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}
