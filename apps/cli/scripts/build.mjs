// `pnpm build` of the CLI: one esbuild bundle in dist/, so that `elmo` starts by reading a few files instead of
// resolving a hundred modules (DESIGN §5, CLI cold start). bin.js checks the Node version and imports the CLI
// proper; each command's module and the telemetry client and sender launcher are chunks of their own, loaded
// only when a run needs them (code splitting). The workspace packages are bundled (tree-shaken to what the CLI
// uses); the CLI's own npm dependencies stay in node_modules, each loaded only where it is used. Type checking
// is `pnpm typecheck` (tsc); esbuild only strips the types.
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
const external = Object.keys(manifest.dependencies).filter((name) => !name.startsWith('@elmo/'));
// Never in the command's own process (DESIGN §5): the detached sender loads these from the installed package.
const FORBIDDEN = [/[\\/]posthog-node[\\/]/, /sender-process\.js$/];

/**
 * The workspace packages' entry files only re-export (`export * from …`). Marked free of side effects, an entry
 * is no longer a path by which esbuild's code splitting sees every module behind it as reached from the CLI's
 * first chunk, so what only the telemetry client uses stays in the client's chunk.
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
 * commander stays in node_modules (a dependency like any other) but is loaded with require(): importing a
 * CommonJS package from an ES module costs Node an extra pass over its source to find the named exports (about
 * 8 ms of every run here). The CLI uses these three of its exports; a name missing here fails the build.
 */
const COMMANDER_EXPORTS = ['Command', 'CommanderError', 'Option'];
const commanderByRequire = {
  name: 'commander-by-require',
  setup(build) {
    build.onResolve({ filter: /^commander$/ }, () => ({ path: 'commander', namespace: 'commander-by-require' }));
    build.onLoad({ filter: /.*/, namespace: 'commander-by-require' }, () => ({
      contents: [
        "import { createRequire } from 'node:module';",
        "const commander = createRequire(import.meta.url)('commander');",
        ...COMMANDER_EXPORTS.map((name) => `export const ${name} = commander.${name};`),
      ].join('\n'),
      loader: 'js',
    }));
  },
};

rmSync(`${root}/dist`, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/bin.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.20',
  external,
  plugins: [reexportOnlyEntries, commanderByRequire],
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  // Chunks sit beside bin.js, so `new URL('../package.json', import.meta.url)` finds the manifest from any of them.
  chunkNames: '[name]-[hash]',
  // A bundled CommonJS module (dotenv) calls require() for Node's built-ins, which an ES module lacks.
  banner: {
    js: "import { createRequire as __elmoCreateRequire } from 'node:module';\nconst require = __elmoCreateRequire(import.meta.url);",
  },
});

const bundled = Object.keys(result.metafile.inputs).filter((input) => FORBIDDEN.some((pattern) => pattern.test(input)));
if (bundled.length > 0) {
  console.error(`elmo's bundle must not contain ${bundled.join(', ')}`);
  process.exit(1);
}
