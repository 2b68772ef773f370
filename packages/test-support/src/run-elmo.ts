import { ELMO_BIN } from './paths.js';
import { type RunOptions, type RunResult, runNode } from './run-node.js';

/** Runs the built `elmo` (`node apps/cli/dist/bin.js …args`) with exactly `options.env`. */
export function runElmo(args: readonly string[], options: RunOptions): Promise<RunResult> {
  return runNode(ELMO_BIN, args, options);
}
