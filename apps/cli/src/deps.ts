import type { Prompter } from './prompts/prompter.js';

/** The process environment as the CLI sees it: read once in main.ts, passed everywhere else. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Everything a command may touch outside itself; main.ts builds the real one, tests build their own. */
export interface CliDeps {
  /** The arguments after the binary name. */
  argv: readonly string[];
  env: Env;
  cwd: string;
  homedir: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Both stdin and stdout are terminals: the only case in which the CLI may ask a question. */
  isTTY: boolean;
  isCI: boolean;
  now: () => number;
  productVersion: string;
  /** Asks questions on the terminal (only called when isTTY). */
  prompter: Prompter;
  uuid: () => string;
  /** A random secret for the worker API token. */
  secret: () => string;
  /** Lifetime cap of the detached sender; 30 s unless a test knob overrides it in main.ts. */
  senderCapMs: number;
  /**
   * No second detached sender for tracked events starts within this long, unless 20 events or one a minute old
   * wait (SPEC §7); 60 s unless a test knob lowers it in main.ts.
   */
  senderIntervalMs: number;
  /**
   * Lets a long-running command (`start`) handle Ctrl-C and SIGTERM itself, instead of the default (end the
   * run as interrupted). Returns a function that gives the signals back.
   */
  onInterrupt: (handler: () => void) => () => void;
}
