import { defineConfig } from 'vitest/config';

// One run over every package; the summary reporter prints the closing `N passed, N failed` line CI reads.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'suites/*', 'examples/*'],
    // Two files at a time: most end-to-end files wait on processes, timeouts and sinks more than they compute.
    // The consent suite, which loads the machine on purpose, runs alone after every other (its own config).
    maxWorkers: 2,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
