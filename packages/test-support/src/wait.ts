import type { ManagedProcess } from './managed-process.js';

/** Resolves once `check` is true; rejects with `what` after `timeoutMs`. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000, stepMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/** Polls `url` until it answers `status` (default 200); fails early with the output if `process` exits. */
export async function waitForHttp(
  url: string,
  options: { timeoutMs?: number; status?: number; process?: ManagedProcess } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const expected = options.status ?? 200;
  let exited = false;
  void options.process?.exited.then(() => {
    exited = true;
  });
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`process exited before ${url} answered:\n${options.process?.output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      if (response.status === expected) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer ${expected} in time (${last})\n${options.process?.output() ?? ''}`);
}
