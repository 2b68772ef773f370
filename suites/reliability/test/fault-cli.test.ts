import { beforeAll, describe, it } from 'vitest';
import { runCell } from './support/cell.js';
import { referenceOutput, runCliFaultCell } from './support/cli-cell.js';
import { FAULT_MODES } from './support/modes.js';

// The CLI row of the fault matrix: a command never waits for the network, prints the same thing and exits
// the same way whatever the endpoint does; the detached sender ends within its cap; events survive in the spool
// until an endpoint takes them, each exactly once.

describe('fault matrix: CLI command + detached sender', () => {
  let reference: string[];
  beforeAll(async () => {
    reference = await referenceOutput();
  });

  // Each cell has its own sink and home; three run at once (the project's maxConcurrency), which also shows
  // that the timing budgets hold on a busy machine (each command is compared with its telemetry-off run).
  it.concurrent.each(FAULT_MODES.map((mode) => [mode.label, mode] as const))(
    'sink %s',
    async (_label, mode) => {
      await runCell('fault', 'cli', mode.id, (cell) => runCliFaultCell(cell, mode, reference));
    },
    60_000,
  );
});
