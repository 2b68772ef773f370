import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'reliability',
    include: ['test/**/*.test.ts'],
    // Collects every cell's results and writes docs/RELIABILITY.md when the run ends.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Concurrent tests spawn CLI processes and senders; three at a time keeps two cores responsive.
    maxConcurrency: 3,
  },
});
