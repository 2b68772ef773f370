// `pnpm test:node-matrix`, also run by `.ci/run` after `npm test`: the tests that exercise the runtime once more on
// the newest Node 22 and Node 24 LTS, the versions users run besides the machine's Node 20 (`npm test`). They are
// the CLI's end-to-end tests (`elmo start` among them), the deployment's (a session in Chromium, shutdown) and the
// reliability suite's fault matrix: unit tests do not depend on the runtime as much, and the full suite three times
// would not fit CI's time. Plain Node, no dependencies.
//
// The build is the one made on the machine's Node (compiled output does not depend on the Node that made it); only
// the runtime changes. Vitest itself runs on the other Node, with that Node's bin folder first on PATH, so that
// every process the tests start (the CLI, `next start`, the worker, the sink, the detached sender: all spawned as
// `process.execPath`, or `node` from PATH) runs on it too.
//
// Each Node is the official binary from the registry, kept in a cache folder outside the repository
// (scripts/node-builds.mjs). The run ends with one `N passed, N failed` line for every run together, counting also
// the runs named by `--add` (`.ci/run` adds `npm test`'s), and exits non-zero when any of them failed.
//
//   node scripts/node-matrix.mjs [--no-build] [--node <major>]… [--add <counts.json>[:<exit code>]]…
//
//   --no-build   skip the set-up `npm test` does (system packages, install, build): `.ci/run` has just done it
//   --node       run only these majors (22, 24; default both)
//   --add        counts of another run, as the summary reporter writes them to $ELMO_TEST_COUNTS_FILE, and how
//                that run exited (a failed run counts as at least one failure, a missing file as one)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { installAndBuild, quietEnv, root, run } from './bootstrap.mjs';
import { ensureNode, MAJORS } from './node-builds.mjs';
import { ensureSystemDeps } from './system-deps.mjs';

const VITEST = join(root, 'node_modules', 'vitest', 'vitest.mjs');
// The selection, as Vitest filters (parts of file paths) within the projects that hold those files.
const PROJECTS = ['cli', 'web', 'reliability'];
const FILES = [
  'apps/cli/test/',
  'apps/web/test/e2e-session.test.ts',
  'apps/web/test/shutdown.test.ts',
  'suites/reliability/test/fault-',
];

function parseArgs(argv) {
  const options = { build: true, majors: [], add: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--no-build') options.build = false;
    else if (arg === '--node' && MAJORS.includes(Number(argv[i + 1]))) options.majors.push(Number(argv[++i]));
    else if (arg === '--add' && argv[i + 1]) {
      const [, file, code] = /^(.*?)(?::(\d+))?$/.exec(argv[++i]);
      options.add.push({ file, code: Number(code ?? 0) });
    } else {
      console.error(
        `node-matrix: unknown argument ${arg}\nusage: node scripts/node-matrix.mjs [--no-build] [--node 22|24]… [--add <counts.json>[:<exit code>]]…`,
      );
      process.exit(2);
    }
  }
  if (options.majors.length === 0) options.majors = MAJORS;
  return options;
}

/** Counts of a run as the summary reporter wrote them; a run that wrote none (it crashed) counts as one failure. */
function readCounts(file, code) {
  let counts;
  try {
    counts = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { node: '?', passed: 0, failed: 1, skipped: 0, note: 'ended before its tests finished' };
  }
  // A run that failed without a failed test (an error outside every test) still counts as a failure.
  if (code !== 0 && counts.failed === 0) return { ...counts, failed: 1 };
  return counts;
}

function formatCounts({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

function formatDuration(ms) {
  if (ms === undefined) return '';
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

const options = parseArgs(process.argv.slice(2));
if (options.build) {
  ensureSystemDeps();
  installAndBuild();
}
const countsDir = mkdtempSync(join(tmpdir(), 'elmo-node-matrix-'));
const results = options.add.map(({ file, code }) => ({ what: 'npm test (every suite)', ...readCounts(file, code) }));
try {
  for (const major of options.majors) {
    let target;
    try {
      target = ensureNode(major);
    } catch (error) {
      console.error(`! Node.js ${major}: ${error.message}`);
      results.push({ what: `Node.js ${major}`, node: `v${major}`, passed: 0, failed: 1, skipped: 0, note: 'not run' });
      continue;
    }
    console.log(`\n› Node.js ${target.version}: CLI and deployment end-to-end tests, reliability fault matrix`);
    const countsFile = join(countsDir, `${major}.json`);
    const started = Date.now();
    const code = run(target.node, [VITEST, 'run', ...PROJECTS.flatMap((p) => ['--project', p]), ...FILES], {
      env: {
        ...quietEnv,
        PATH: `${dirname(target.node)}${delimiter}${process.env.PATH ?? ''}`,
        ELMO_TEST_COUNTS_FILE: countsFile,
      },
    });
    const counts = readCounts(countsFile, code);
    // The reporter names the Node it ran on: proof that Vitest did not fall back to another one.
    if (counts.node !== '?' && counts.node !== target.version) {
      counts.failed += 1;
      counts.note = `ran on ${counts.node}, not ${target.version}`;
    }
    results.push({ what: 'end-to-end and fault matrix', ...counts, durationMs: Date.now() - started });
  }
} finally {
  rmSync(countsDir, { recursive: true, force: true });
}

console.log('\n› every run');
for (const r of results) {
  const note = r.note ? ` (${r.note})` : '';
  console.log(
    `  ${r.node.padEnd(9)} ${r.what.padEnd(28)} ${formatCounts(r).padEnd(28)} ${formatDuration(r.durationMs)}${note}`,
  );
}
// Each failure again, beside its run: CI may keep only the end of the log.
for (const r of results) for (const failure of r.failures ?? []) console.log(`  ${r.node}: FAILED ${failure}`);
const total = { passed: 0, failed: 0, skipped: 0 };
for (const r of results) for (const key of Object.keys(total)) total[key] += r[key];
console.log(`\n${formatCounts(total)}`);
process.exit(total.failed > 0 ? 1 : 0);
