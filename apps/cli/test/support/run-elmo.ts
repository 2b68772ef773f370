import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI the end-to-end tests run (build first: `pnpm --filter @elmo/cli build`). */
export const ELMO_BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** How one `elmo` run ended. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From spawn to exit. */
  durationMs: number;
  pid: number;
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
  timeoutMs?: number;
  cwd?: string;
}

/** Runs `node dist/bin.js …args` with exactly `options.env`; rejects (after killing it) on timeout. */
export function runElmo(args: readonly string[], options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ELMO_BIN, ...args], {
    env: options.env,
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid ?? -1;
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin.on('error', () => {});
  if (options.holdStdin) child.on('exit', () => child.stdin.destroy());
  else child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    let exited: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`elmo ${args.join(' ')} did not finish within ${options.timeoutMs ?? 15_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 15_000);
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
      resolve({ code: end.code, signal: end.signal, stdout, stderr, durationMs: end.at - started, pid });
    });
  });
}
