import type { Env } from './env.js';

/** Everything acme touches outside itself; bin.ts builds the real one. */
export interface AcmeDeps {
  env: Env;
  homedir: string;
  isCI: boolean;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now: () => number;
  uuid: () => string;
  productVersion: string;
}

/** A failure a person can act on: one line on stderr and an exit code, mapped once in bin.ts. */
export class AcmeError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'AcmeError';
  }
}
