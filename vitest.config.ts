import { defineConfig } from 'vitest/config';

// One run over every package; the summary reporter prints the closing `N passed, N failed` line CI reads.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'suites/*', 'examples/*'],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
