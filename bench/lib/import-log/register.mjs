// `node --import <this file>`: records every module the process loads into the file named by
// ELMO_BENCH_IMPORT_LOG, one "<pid> <URL>" per line. ES modules through the resolve hook below; CommonJS
// modules (whose require() calls Node 20 does not pass through the hooks) from the require cache at exit.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('./hook.mjs', import.meta.url);

const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const log = process.env.ELMO_BENCH_IMPORT_LOG;
  if (!log) return;
  appendFileSync(
    log,
    Object.keys(cache)
      .map((file) => `${process.pid} ${pathToFileURL(file).href}\n`)
      .join(''),
  );
});
