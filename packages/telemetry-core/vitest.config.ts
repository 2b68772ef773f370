import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'telemetry-core', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] } });
