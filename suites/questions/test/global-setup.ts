import { ensureCliBuilt, ensureWebBuilt, ensureWorkerBuilt } from '@elmo/test-support';

/** The fleet runs the built CLI, web app and worker: rebuild whichever is older than its sources. */
export default function setup(): void {
  ensureCliBuilt();
  ensureWorkerBuilt();
  ensureWebBuilt();
}
