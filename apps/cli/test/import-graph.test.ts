import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { runElmo } from '@elmo/test-support';
import { useE2E, useTempDir } from '@elmo/test-support/vitest';
import { beforeEach, describe, expect, it } from 'vitest';

// A module-resolution hook that records every module the command's own process loads.
const HOOK = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.ELMO_TEST_IMPORT_LOG, result.url + '\\n');
  return result;
}
`;

describe('import graph', () => {
  const e2e = useE2E();
  const temp = useTempDir('elmo-cli-imports-');
  let dir: string;
  beforeEach(() => {
    dir = temp.path;
    writeFileSync(join(dir, 'hook.mjs'), HOOK);
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)});\n`,
    );
  });

  it('posthog-node is never loaded in the command’s own process, even when an event is sent', async () => {
    const { home, sink } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    const log = join(dir, 'imports.log');
    for (const args of [
      ['status'],
      ['init', '--yes', '--telemetry', '--email', 'a@example.com'],
      ['telemetry', 'status'],
    ]) {
      const run = await runElmo(args, {
        env: home.env({ ELMO_TEST_IMPORT_LOG: log }),
        nodeArgs: ['--import', join(dir, 'register.mjs')],
      });
      expect(run.code, args.join(' ')).toBe(0);
    }
    await sink.waitForEvents(4);
    await home.waitForSenders();
    const loaded = readFileSync(log, 'utf8');
    expect(loaded).toContain('/commander/');
    expect(loaded).toContain('telemetry-core/dist/node/index.js');
    expect(loaded).not.toMatch(/posthog/i);
  });
});
