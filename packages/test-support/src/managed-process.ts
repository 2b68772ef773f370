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

// Every process started here that has not exited yet. A test that times out leaves its body running, and a server
// it was starting answers only later, after the test gave up on it: nothing holds it then. The test runner's
// process ending must not leave it behind (holding a port, its data folder's lock and memory), so whatever is
// still running then is killed, and `stopStartedProcesses` stops them earlier on request.
const running = new Set<ManagedProcess>();
let exitHooks = false;

function killRunning(): void {
  for (const started of running) {
    try {
      process.kill(started.pid, 'SIGKILL');
    } catch {
      // Exited meanwhile.
    }
  }
}

function killRunningAtExit(): void {
  if (exitHooks) return;
  exitHooks = true;
  process.once('exit', killRunning);
  // Vitest ends its worker processes with SIGTERM, which runs no 'exit' listener: the children are killed, then
  // the signal is raised again with this listener gone, so the worker ends as it would have.
  process.once('SIGTERM', () => {
    killRunning();
    process.kill(process.pid, 'SIGTERM');
  });
}

/**
 * Stops (SIGKILL) every process this test file started that is still running, also one still starting whose
 * handle the test never got: for a test that gave up on its body.
 */
export async function stopStartedProcesses(): Promise<void> {
  await Promise.all([...running].map((started) => started.stop('SIGKILL')));
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
    running.delete(managed);
  });
  const managed: ManagedProcess = {
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
  running.add(managed);
  killRunningAtExit();
  return managed;
}
