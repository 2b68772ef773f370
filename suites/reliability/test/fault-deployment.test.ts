import { afterAll, beforeAll, describe, it } from 'vitest';
import { Cell, runCells } from './support/cell.js';
import { createDeployment } from './support/deployment.js';
import { type DeploymentMatrixContext, runDeploymentCell } from './support/deployment-cell.js';
import { FAULT_MODES } from './support/modes.js';

// The web, worker and browser rows of the fault matrix. One web + worker pair per sink mode, all on one
// deployment folder (the embedded database is created once, ~4 s, and reopened in ~1 s afterwards).

describe('fault matrix: web server, worker, browser via /ingest', () => {
  const context = {} as DeploymentMatrixContext;
  beforeAll(() => {
    context.deployment = createDeployment();
    context.running = new Set();
  });
  afterAll(async () => {
    for (const process of context.running) await process.stop('SIGKILL');
    context.deployment?.remove();
  });

  for (const mode of FAULT_MODES) {
    it(`sink ${mode.label}`, async () => {
      const cells = {
        web: new Cell('fault', 'web', mode.id),
        worker: new Cell('fault', 'worker', mode.id),
        browser: new Cell('fault', 'browser', mode.id),
      };
      await runCells(Object.values(cells), () => runDeploymentCell(cells, mode, context));
    }, 90_000);
  }
});
