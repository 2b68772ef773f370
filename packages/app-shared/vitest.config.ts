import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'app-shared', include: ['src/**/*.test.ts'] } });
