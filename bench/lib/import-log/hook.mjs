// A module-resolution hook (module.register, Node ≥ 20.6) that appends "<pid> <resolved URL>" to the file named
// by ELMO_BENCH_IMPORT_LOG for every import the process resolves. It runs on the loader thread of the process
// that was started with `--import`; processes it spawns do not inherit it.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.ELMO_BENCH_IMPORT_LOG)
    appendFileSync(process.env.ELMO_BENCH_IMPORT_LOG, `${process.pid} ${result.url}\n`);
  return result;
}
