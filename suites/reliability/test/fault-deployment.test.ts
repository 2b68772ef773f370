import { stopStartedProcesses } from '@elmo/test-support';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Cell, runCells } from './support/cell.js';
import { createDeployment } from './support/deployment.js';
import { type DeploymentMatrixContext, runDeploymentCell } from './support/deployment-cell.js';
import { FAULT_MODES } from './support/modes.js';

// The web, worker and browser rows of the fault matrix. One web + worker pair per sink mode, all on one
// deployment folder (the embedded database is created once, ~4 s, and reopened in ~1 s afterwards).

// A cell normally takes 5–30 s; one still running after this long is stuck, and is reported with the step it is
// stuck at. Its processes are stopped then, so that the next cells (same data folder) still run.
const CELL_DEADLINE_MS = 80_000;

describe('fault matrix: web server, worker, browser via /ingest', () => {
  const context = {} as DeploymentMatrixContext;
  beforeAll(() => {
    context.deployment = createDeployment();
  });
  afterAll(async () => {
    await stopStartedProcesses();
    context.deployment?.remove();
  });

  for (const mode of FAULT_MODES) {
    it(
      `sink ${mode.label}`,
      async () => {
        const cells = {
          web: new Cell('fault', 'web', mode.id),
          worker: new Cell('fault', 'worker', mode.id),
          browser: new Cell('fault', 'browser', mode.id),
        };
        await runCells(Object.values(cells), (run) => runDeploymentCell(cells, mode, context, run), {
          ms: CELL_DEADLINE_MS,
          // Also a process still starting, which the cell never got a handle on.
          giveUp: stopStartedProcesses,
        });
      },
      CELL_DEADLINE_MS + 15_000,
    );
  }
});
