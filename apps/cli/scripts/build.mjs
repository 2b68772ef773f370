// `pnpm build` of the CLI: esbuild bundles in dist/, so that `elmo` starts by reading a few files instead of
// resolving a hundred modules (DESIGN §5, CLI cold start). The bundles are CommonJS (dist/package.json says so):
// on Node 20 an ES module entry alone costs ~25 % of a bare `node` start (its loader), and esbuild splits code
// into lazily loaded chunks only for ES modules; many small files cost more than one bigger one anyway (measured).
// bin.js checks the Node version and answers `--version` itself; main.js is the CLI proper, with commander and the
// workspace packages bundled (tree-shaken to what the CLI uses); what only some runs need (each command's module,
// the telemetry client and the sender launcher) is in main.js but runs only when imported (esbuild's lazy module
// wrappers). The prompt library and CI detection stay in node_modules, loaded only where they are used.
// Compiling main.js is most of what a start costs on Node 20: the build runs `elmo status` once (telemetry on, in a
// temp home, nothing sent) and keeps V8's code cache beside main.js (src/code-cache.ts). Type checking is
// `pnpm typecheck` (tsc); esbuild only strips the types.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliPaths } from '@elmo/elmo-telemetry/node';
import { build } from 'esbuild';
import { ciInfoVariables } from './ci-info-variables.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
// Bundled: every run loads commander, and a run with telemetry on asks ci-info; bundled, they are compiled from the
// code cache with the rest and no package is resolved in node_modules.
const BUNDLED_DEPENDENCIES = new Set(['commander', 'ci-info']);
const external = Object.keys(manifest.dependencies).filter(
  (name) => !name.startsWith('@elmo/') && !BUNDLED_DEPENDENCIES.has(name),
);
// Never in the command's own process (DESIGN §5): the detached sender loads these from the installed package.
const FORBIDDEN = [/[\\/]posthog-node[\\/]/, /sender-process\.js$/];

/**
 * The workspace packages' entry files only re-export (`export * from …`). Marked free of side effects, an entry
 * no longer pulls every module behind it into the bundle: what the CLI does not use is left out.
 */
const reexportOnlyEntries = {
  name: 'reexport-only-entries',
  setup(build) {
    build.onResolve({ filter: /^@elmo\// }, async (args) => {
      if (args.pluginData?.resolving) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { resolving: true },
      });
      return resolved.errors.length > 0 ? undefined : { path: resolved.path, sideEffects: false };
    });
  },
};

/**
 * Two bundled dependencies load a Node module at their top that `elmo` never makes them use: commander loads
 * node:child_process for executable subcommands (elmo has none) and dotenv loads node:crypto to decrypt encrypted
 * `.env` files (elmo only parses). Loading them took ~3.5 ms and ~1.3 ms here (each measured alone), and a quarter
 * of a megabyte of young-generation allocation in an `elmo status` run, which brings the next garbage collection
 * closer. Here each becomes a stand-in that loads the module on first use. The build fails if
 * the line is no longer there, so an update of either package is looked at, not silently slower.
 */
const LAZY_BUILTINS = [
  { file: /[\\/]commander[\\/]lib[\\/]command\.js$/, require: `require('node:child_process')` },
  { file: /[\\/]dotenv[\\/]lib[\\/]main\.js$/, require: `require('crypto')` },
];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    for (const { file, require } of LAZY_BUILTINS) {
      build.onLoad({ filter: file }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes(require)) throw new Error(`${args.path} no longer has ${require}: check LAZY_BUILTINS`);
        const id = require.slice('require('.length, -1);
        const lazy = `((loaded) => new Proxy({}, { get: (_, key) => (loaded ??= require(${id}))[key] }))()`;
        return { contents: source.replace(require, lazy), loader: 'js' };
      });
    }
  },
};

rmSync(`${root}/dist`, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  // code-cache.js is bin.js's loader on its own, for the build's cache run below.
  entryPoints: ['src/bin.ts', 'src/main.ts', 'src/code-cache.ts'],
  outdir: 'dist',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.20',
  external,
  plugins: [reexportOnlyEntries, lazyBuiltins],
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  // The sources are ES modules: `new URL('../package.json', import.meta.url)` finds the manifest from dist/ too.
  // The variables ci-info reads: a run where none is set does not run it (src/ci-detection.ts).
  define: {
    'import.meta.url': '__elmoModuleUrl',
    __ELMO_CI_INFO_VARIABLES__: JSON.stringify(ciInfoVariables(dirname(createRequire(root).resolve('ci-info')))),
  },
  banner: { js: "const __elmoModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
// The CLI's package is an ES module package; its bundles are not.
writeFileSync(`${root}/dist/package.json`, '{ "type": "commonjs" }\n');

const bundled = Object.keys(result.metafile.inputs).filter((input) => FORBIDDEN.some((pattern) => pattern.test(input)));
if (bundled.length > 0) {
  console.error(`elmo's bundle must not contain ${bundled.join(', ')}`);
  process.exit(1);
}

/**
 * V8's code cache of main.js. It holds what the run that made it compiled, so that run is an everyday one: in a temp
 * home, `elmo init --yes --telemetry` (consent recorded, notice shown, an install id and a deployment), one `elmo
 * status` (the spool and the local log now hold an event), then the `elmo status` whose compiled code is kept. A
 * cache made in a home without an install id or a deployment left out the code that reads them, which every later
 * run then compiled itself. A sender started a moment ago (its stamp) keeps these runs from starting one, and the
 * key points at the discard port of the loopback: nothing leaves the machine, and the home is removed after.
 */
function writeCodeCache() {
  const home = mkdtempSync(join(tmpdir(), 'elmo-build-'));
  try {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      LANG: 'C.UTF-8',
      ELMO_HOME: join(home, 'deployment'),
      ELMO_POSTHOG_KEY: 'phc_build',
      ELMO_POSTHOG_HOST: 'http://127.0.0.1:9',
    };
    const paths = cliPaths(env, home);
    mkdirSync(paths.stateDir, { recursive: true });
    writeFileSync(paths.senderStartedFile, `${Date.now()}\n`);
    const bin = join(root, 'dist', 'bin.js');
    const elmo = (args) => {
      const run = spawnSync(process.execPath, [bin, ...args], {
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      if (run.status !== 0)
        throw new Error(`elmo ${args.join(' ')} for the code cache exited ${run.status}: ${run.stderr}`);
    };
    elmo(['init', '--yes', '--telemetry']);
    elmo(['status']);
    const main = join(root, 'dist', 'main.js');
    const script = [
      `process.argv = [process.execPath, ${JSON.stringify(bin)}, 'status'];`,
      `require(${JSON.stringify(join(root, 'dist', 'code-cache.js'))}).runWithCodeCache(${JSON.stringify(main)}, { writeCacheAtExit: true });`,
    ].join('\n');
    const run = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`elmo status for the code cache exited ${run.status}: ${run.stderr}`);
    // The event of each run waits in the spool: no sender was started for it.
    if (!existsSync(paths.spoolFile)) throw new Error('the code cache runs recorded no event: check their home');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
writeCodeCache();
