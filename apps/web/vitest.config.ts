import { defineProject } from 'vitest/config';

// Unit tests live next to the code; end-to-end tests (real servers, databases and Chromium) in test/.
export default defineProject({
  test: {
    name: 'web',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
