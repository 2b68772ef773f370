import { ensureCliBuilt } from '@elmo/test-support';

/** Builds the CLI when dist/ is missing or older than its sources, so the e2e tests always run the current code. */
export default function setup(): void {
  ensureCliBuilt();
}
