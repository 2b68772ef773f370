// Timing whole processes for the benchmarks.
import { spawn } from 'node:child_process';

/** Runs a command to completion (or until `capMs`) and returns its wall time in ms and whether the cap was hit. */
export function timeProcess(command, args, { env, capMs = 60_000, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const cap = setTimeout(() => child.kill('SIGKILL'), capMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(cap);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ wallMs, capped: signal === 'SIGKILL', code, stderr });
    });
  });
}
