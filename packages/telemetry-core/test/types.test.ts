import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const project = fileURLToPath(new URL('../tsconfig.json', import.meta.url));

describe('typed catalog', () => {
  // src/telemetry.test.ts holds `@ts-expect-error` lines for unknown events, unknown properties and explicit
  // events passed to track; tsc fails if any of them stops being a type error.
  it('rejects unknown events and properties at compile time', () => {
    const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', project], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 60_000);
});
