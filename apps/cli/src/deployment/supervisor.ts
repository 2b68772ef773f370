import { type ChildProcess, spawn } from 'node:child_process';

/** A started component: its child process, the last lines it printed, and a promise of its exit. */
export interface RunningComponent {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  lastLines(): string[];
  /** Asks it to stop (SIGTERM), then kills it if it has not exited within `graceMs`. */
  stop(graceMs: number): Promise<void>;
}

/**
 * Starts a component with its output prefixed by its name on our stderr (so a person sees what failed), and
 * keeps its last lines to explain an early exit in one line.
 */
export function startComponent(options: {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  write: (text: string) => void;
  quiet?: (line: string) => boolean;
}): RunningComponent {
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line.trim());
      if (lines.length > 20) lines.shift();
      if (!options.quiet?.(line)) options.write(`${options.name} │ ${line}\n`);
    }
  };
  child.stdout?.on('data', relay);
  child.stderr?.on('data', relay);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', (error) => {
      lines.push(error.message);
      resolve(null);
    });
  });
  return {
    name: options.name,
    child,
    exited,
    lastLines: () => [...lines],
    async stop(graceMs) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 200, the component exits, or the time runs out. */
export async function waitUntilHealthy(
  url: string,
  component: RunningComponent,
  options: { timeoutMs: number; onWait?: (elapsedMs: number) => void },
): Promise<'healthy' | 'exited' | 'timeout'> {
  const started = Date.now();
  let exited = false;
  void component.exited.then(() => {
    exited = true;
  });
  while (Date.now() - started < options.timeoutMs) {
    if (exited) return 'exited';
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return 'healthy';
    } catch {
      // Not listening yet.
    }
    options.onWait?.(Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return 'timeout';
}
