const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * Blocks the thread for `ms`: the locks' waits are a few milliseconds of local file I/O, and a synchronous lock
 * lets the CLI persist state from an exit path where promises can no longer run.
 */
export const sleepSync = (ms: number): void => {
  Atomics.wait(sleeper, 0, 0, ms);
};
