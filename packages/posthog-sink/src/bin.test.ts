import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const binPath = join(packageDir, 'dist', 'bin.js');
const children: ChildProcess[] = [];
const tempDirs: string[] = [];

beforeAll(() => {
  // The workspace builds before testing; a lone `vitest run` in a fresh checkout builds here instead.
  if (!existsSync(binPath)) {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    execFileSync(process.execPath, [tsc, '-p', join(packageDir, 'tsconfig.build.json')]);
  }
});

afterEach(() => {
  // Killed by the child's own PID, never by name.
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`No line matching ${pattern} in: ${output}`)), 5000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    });
  });
}

describe('posthog-sink bin', () => {
  it('prints its URL, logs events, writes the port file and exits cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'posthog-sink-'));
    tempDirs.push(dir);
    const portFile = join(dir, 'port');
    const child = spawn(process.execPath, [binPath, '--port', '0', '--port-file', portFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);

    const line = await waitForLine(child, /listening/);
    const match = /^PostHog sink listening on (http:\/\/127\.0\.0\.1:(\d+)) \(events at \1\/\)$/.exec(line);
    expect(match, line).not.toBeNull();
    expect(readFileSync(portFile, 'utf8').trim()).toBe(match?.[2]);

    const logged = waitForLine(child, /signed_up/);
    const body = JSON.stringify({ api_key: 'k', batch: [{ event: 'signed_up', distinct_id: 'u-9' }] });
    expect((await fetch(`${match?.[1]}/batch/`, { method: 'POST', body })).status).toBe(200);
    expect(await logged).toContain('distinct_id=u-9');

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('rejects an unknown mode with usage and exit code 2', async () => {
    const child = spawn(process.execPath, [binPath, '--mode', 'sideways'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown sink mode "sideways"');
  });
});
