import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'consent',
    include: ['test/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 180_000,
  },
});
