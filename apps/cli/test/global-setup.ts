import { ensureCliBuilt } from '@elmo/test-support';

/** Bundles the CLI when dist/ is missing or older than its inputs, so the e2e tests run the current code. */
export default function setup(): void {
  ensureCliBuilt();
}
