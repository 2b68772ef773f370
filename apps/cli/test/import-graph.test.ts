import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { elmoCatalog } from '@elmo/elmo-telemetry';
import { runElmo } from '@elmo/test-support';
import { useE2E, useTempDir } from '@elmo/test-support/vitest';
import { beforeEach, describe, expect, it } from 'vitest';

// A module-resolution hook that records every ES module the command's own process loads; register.mjs adds the
// CommonJS modules (whose require() calls Node 20 does not pass through the hooks) from the require cache at exit.
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
      [
        "import { appendFileSync } from 'node:fs';",
        "import { createRequire, register } from 'node:module';",
        `register(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)});`,
        'const cache = createRequire(import.meta.url).cache;',
        "process.on('exit', () => appendFileSync(process.env.ELMO_TEST_IMPORT_LOG, Object.keys(cache).map((f) => f + '\\n').join('')));",
        // Node's own modules, by name (`NativeModule crypto`), from the list Node keeps of what it loaded.
        "process.on('exit', () => appendFileSync(process.env.ELMO_TEST_IMPORT_LOG, process.moduleLoadList.map((m) => m + '\\n').join('')));",
        '',
      ].join('\n'),
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
    expect(loaded).toContain('apps/cli/dist/bin.js');
    expect(loaded).toContain('apps/cli/dist/main.js');
    expect(loaded).not.toMatch(/posthog/i);
    expect(loaded).not.toContain('sender-process');
  });

  // The CLI is one bundle (scripts/build.mjs): what a run does not need is in it but never run (esbuild's lazy module
  // wrappers), so what can be seen from outside is which files and packages are loaded.
  it('loads only what the command needs: not the CLI for --version, no prompts with telemetry off', async () => {
    const { home } = e2e;
    home.writeConfig({ noticeVersion: elmoCatalog.consentVersion });
    const loadedBy = async (args: string[], extra: Record<string, string> = {}) => {
      const log = join(dir, `${args.join('-')}.log`);
      const run = await runElmo(args, {
        env: home.env({ ...extra, ELMO_TEST_IMPORT_LOG: log }),
        nodeArgs: ['--import', join(dir, 'register.mjs')],
      });
      expect(run.code, args.join(' ')).toBe(0);
      return readFileSync(log, 'utf8');
    };
    const version = await loadedBy(['--version']);
    expect(version).toContain('apps/cli/dist/bin.js');
    expect(version).not.toContain('apps/cli/dist/main.js');
    expect(version).not.toContain('node_modules');
    const status = await loadedBy(['status'], { DO_NOT_TRACK: '1' });
    expect(status).toContain('apps/cli/dist/main.js');
    // commander and ci-info are bundled; the prompt library is the one package left outside, loaded on a terminal.
    expect(status).not.toContain('node_modules');
  });

  // Loading node:crypto and node:child_process costs a command ~4 ms: ids come from the kernel's random device, and
  // commander's and dotenv's top-level loads of them are deferred (scripts/build.mjs), so only a run that starts a
  // sender loads them.
  it('loads neither node:crypto nor node:child_process for status, telemetry off or on, unless a sender starts', async () => {
    const { home } = e2e;
    home.writeConfig({ telemetryChoice: 'enabled', noticeVersion: elmoCatalog.consentVersion });
    // A sender started a moment ago: with the product's throttle (not the test homes' "every run"), none is due.
    mkdirSync(home.stateDir, { recursive: true });
    writeFileSync(home.senderStartedFile, `${Date.now()}\n`);
    const builtins = async (extra: Record<string, string>) => {
      const log = join(dir, `builtins-${Object.keys(extra).join('-')}.log`);
      const run = await runElmo(['status'], {
        env: home.env({ ...extra, ELMO_TELEMETRY_SENDER_INTERVAL_MS: '60000', ELMO_TEST_IMPORT_LOG: log }),
        nodeArgs: ['--import', join(dir, 'register.mjs')],
      });
      expect(run.code).toBe(0);
      return readFileSync(log, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('NativeModule '));
    };
    for (const loaded of [await builtins({ DO_NOT_TRACK: '1' }), await builtins({})]) {
      expect(loaded).toContain('NativeModule fs');
      expect(loaded).not.toContain('NativeModule crypto');
      expect(loaded).not.toContain('NativeModule child_process');
    }
    // The "on" run did record its event (in the spool, for the next sender).
    expect(home.spoolEvents()).toBe(1);
  });
});
