// Import-graph check (DESIGN §5, §6): posthog-node and the detached sender's entry (sender-process.js) are never
// loaded in the command's own process, with telemetry on and an event sent. The built CLI runs with
// `node --import bench/lib/import-log/register.mjs`, which logs every module the process resolves (ES modules
// through a module.register resolve hook, CommonJS from the require cache at exit). The detached sender is
// spawned without the hook (plain `node <entry>`, empty environment), so the log holds the command's modules only.
// Code bundled into the CLI shows as its bundle; the CLI's build refuses to bundle either of them
// (apps/cli/scripts/build.mjs), so they could only be loaded as files of their own, which the log would show.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTempDir, startSinkProcess } from '@elmo/test-support';
import { createCliHome, initCliHome } from '../lib/cli-home.mjs';

const REGISTER = fileURLToPath(new URL('../lib/import-log/register.mjs', import.meta.url));
const FORBIDDEN = [/posthog-node/i, /sender-process/];

async function loadedBy(home, args, extra) {
  const temp = createTempDir('elmo-bench-imports-');
  const log = join(temp.path, 'imports.log');
  try {
    const result = await home.run(args, {
      extraEnv: { ...extra, ELMO_BENCH_IMPORT_LOG: log },
      nodeArgs: ['--import', REGISTER],
      timeoutMs: 30_000,
    });
    if (result.code !== 0) throw new Error(`elmo ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    return {
      pids: new Set(lines.map((line) => line.split(' ')[0])),
      urls: new Set(lines.map((line) => line.split(' ')[1])),
    };
  } finally {
    temp.remove();
  }
}

export async function importGraph() {
  const sink = await startSinkProcess();
  const home = createCliHome(sink.url);
  try {
    await initCliHome(home);
    const before = await sink.count();
    // This case checks where delivery happens (a detached sender, never the command's own process), not the
    // sender throttle: `init` just started a sender, so the run asks for one at once (the test knob, 0 ms window).
    const on = await loadedBy(home, ['status'], { ELMO_TELEMETRY_SENDER_INTERVAL_MS: '0' });
    await home.waitForSenders();
    const sent = (await sink.count()) - before;
    const off = await loadedBy(home, ['status'], { DO_NOT_TRACK: '1' });
    // The CLI proper is one bundle (apps/cli/dist/main.js, commander inside): every run that parses argv loads it.
    for (const { urls } of [on, off]) {
      if (![...urls].some((url) => url.endsWith('/apps/cli/dist/main.js')))
        throw new Error('the import log missed the CLI bundle: the hook did not run');
    }
    const offending = [...on.urls, ...off.urls].filter((url) => FORBIDDEN.some((pattern) => pattern.test(url)));
    const count = (urls) => [...urls].filter((url) => !url.startsWith('node:')).length;
    const builtins = (urls) => [...urls].filter((url) => url.startsWith('node:')).length;
    return {
      name: 'CLI start-up: posthog-node and sender-process.js never loaded in the command’s process',
      budget: 'import graph check',
      detail:
        `\`elmo status\` with telemetry on loaded ${count(on.urls)} modules (+ ${builtins(on.urls)} node: built-ins) in its own process ` +
        `(${on.pids.size} process logged), and the event reached the sink through the detached sender (${sent} received); ` +
        `with DO_NOT_TRACK=1: ${count(off.urls)} modules (+ ${builtins(off.urls)} built-ins). ` +
        (offending.length
          ? `Loaded anyway: ${[...new Set(offending)].join(', ')}`
          : 'None of them is posthog-node or sender-process.js.'),
      value: count(on.urls),
      spread: [count(off.urls), count(on.urls)],
      pass: offending.length === 0 && on.pids.size === 1 && sent >= 1,
      format: (v) => `${v} modules`,
    };
  } finally {
    home.cleanup();
    await sink.stop();
  }
}
