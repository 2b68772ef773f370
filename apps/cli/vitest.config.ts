import { defineProject } from 'vitest/config';

// Unit tests live next to the code; end-to-end tests in test/ spawn the built `elmo` (built by the global setup).
export default defineProject({
  test: {
    name: 'cli',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
