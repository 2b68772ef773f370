import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'posthog-sink', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] } });
