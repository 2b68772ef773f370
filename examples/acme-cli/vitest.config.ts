import { defineProject } from 'vitest/config';

// End-to-end only: each test spawns the built `acme` (rebuilt by the global setup) against a loopback sink.
export default defineProject({
  test: {
    name: 'acme-cli',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
