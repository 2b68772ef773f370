// Loads the CLI's CommonJS bundle (dist/main.js) with V8's code cache on a Node without a module compile cache
// (Node 20): compiling the bundle's ~300 KB is most of what `elmo` costs over a bare `node`, and a cache made by the
// build (scripts/build.mjs, one run of `elmo status`) lets V8 skip it. V8 checks the cache against the source, its
// own version and flags, and compiles as usual when it does not match, so a stale or foreign cache only costs time.
// Nothing is written at run time. Node 22.1+ caches compiled modules itself (bin.ts enables it) and skips this.
import { readFileSync, writeFileSync } from 'node:fs';
import { Module } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** The code cache beside a bundle file. */
export function codeCacheFile(file: string): string {
  return `${file}.cache`;
}

// The same wrapper as Node's own CommonJS loader, so the bundle sees exactly the variables it would under require().
function compile(file: string, cachedData: Buffer | undefined): Script {
  const source = readFileSync(file, 'utf8');
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  return new Script(wrapped, { filename: file, cachedData });
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(codeCacheFile(file));
  } catch {
    return undefined;
  }
}

/**
 * Runs the CommonJS file `file` as require() would, compiled with its code cache when there is one. With
 * `writeCacheAtExit` (the build only), the cache of everything the run compiled is written when the process exits.
 */
export function runWithCodeCache(file: string, options: { writeCacheAtExit?: boolean } = {}): void {
  const script = compile(file, options.writeCacheAtExit ? undefined : readCache(file));
  if (options.writeCacheAtExit) {
    process.on('exit', () => writeFileSync(codeCacheFile(file), script.createCachedData()));
  }
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: Module,
    filename: string,
    dirname: string,
  ) => void;
  // A module like any other, in the require cache (where tools and the import-graph test look for what was loaded).
  const module = new Module(file);
  module.filename = file;
  const require = Module.createRequire(file);
  require.cache[file] = module;
  wrapper.call(module.exports, module.exports, require, module, file, dirname(file));
  module.loaded = true;
}
