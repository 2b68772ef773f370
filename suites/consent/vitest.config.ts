import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'consent',
    include: ['test/**/*.test.ts'],
    testTimeout: 420_000,
    hookTimeout: 180_000,
    // Each file runs several deployments and Chromium at once: it runs after every other project and one file at
    // a time, so that neither it nor the suites that time things run on a machine it has overloaded.
    sequence: { groupOrder: 1 },
    fileParallelism: false,
  },
});
