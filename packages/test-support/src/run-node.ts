import { spawn } from 'node:child_process';

/** How one run of a Node program ended. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From spawn to exit. */
  durationMs: number;
  pid: number;
  /** Killed (SIGKILL) at `timeoutMs`; only ever true with `resolveOnTimeout`. */
  timedOut: boolean;
}

/** Options of one run: the environment is always explicit (never inherited from the test process). */
export interface RunOptions {
  env: Record<string, string>;
  /** Written to stdin, which is then closed; stdin is closed at once when absent. */
  stdin?: string;
  /** Arguments for node itself, before the script (e.g. `--import`). */
  nodeArgs?: string[];
  /** Keeps stdin open (an idle pipe) until the process exits: a run that waited for input would time out. */
  holdStdin?: boolean;
  /** Default 15 s; the run is killed (SIGKILL) after it, and the promise rejected. */
  timeoutMs?: number;
  /** Resolve with the killed run (`timedOut: true`) instead of rejecting: a cap for timings, not a failure. */
  resolveOnTimeout?: boolean;
  cwd?: string;
  /** This output's reading end is closed at once, as by a reader that stopped early (`| head -0`); it reads as ''. */
  closeOutput?: 'stdout' | 'stderr';
}

/** Runs `node [nodeArgs] script …args` with exactly `options.env`; rejects (after killing it) on timeout. */
export function runNode(script: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
    env: options.env,
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid ?? -1;
  let stdout = '';
  let stderr = '';
  if (options.closeOutput) child[options.closeOutput].destroy();
  if (options.closeOutput !== 'stdout') {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
  }
  if (options.closeOutput !== 'stderr') {
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
  }
  child.stdin.on('error', () => {});
  if (options.holdStdin) child.on('exit', () => child.stdin.destroy());
  else child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    let exited: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
      if (!options.resolveOnTimeout)
        reject(new Error(`${script} ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal, at: performance.now() };
    });
    // 'close' comes after the pipes drained, so stdout and stderr are complete.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const end = exited ?? { code, signal, at: performance.now() };
      resolve({ code: end.code, signal: end.signal, stdout, stderr, durationMs: end.at - started, pid, timedOut });
    });
  });
}
