import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'questions',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // The fleet runs once (beforeAll of test/fleet.test.ts); its processes are started and stopped by PID there.
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
