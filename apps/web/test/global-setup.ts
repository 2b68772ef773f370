import { ensureWebBuilt, ensureWorkerBuilt } from '@elmo/test-support';

// The root `npm test` builds everything first, so this is normally a quick freshness check; a lone
// `vitest run` after editing sources rebuilds what the end-to-end tests run. ELMO_TEST_SKIP_BUILD=1 skips
// it when only unit tests are wanted.
export default function setup(): void {
  if (process.env.ELMO_TEST_SKIP_BUILD === '1') return;
  ensureWorkerBuilt();
  ensureWebBuilt();
}
