import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { webDir, workspaceRoot } from './paths.js';

// Creating the web app's embedded database (PGlite's initdb and the migrations) costs about 5 s of CPU, which
// dozens of end-to-end tests used to pay again and again. A test that is not about that first creation starts
// from a copy of one made once: the same files the web app would have written, since they are made by the same
// PGlite and the same migrations, and the web app then finds every migration applied.

const migrationsDir = join(webDir, 'drizzle');

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesBelow(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

/** Changes with the migrations and with the PGlite the web app uses, so a stale template is never used. */
function templateKey(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(webDir, 'node_modules', '@electric-sql', 'pglite', 'package.json')));
  for (const file of filesBelow(migrationsDir))
    hash.update(file.slice(migrationsDir.length)).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

// Run from apps/web, so that it uses the web app's own PGlite and drizzle.
const CREATE = `
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
const [dir, migrationsFolder] = process.argv.slice(1);
const client = await PGlite.create(dir);
await migrate(drizzle({ client }), { migrationsFolder });
await client.close();
`;

let template: string | undefined;

/** The template's folder, made once per version of the migrations (in the workspace's git-ignored cache). */
function ensureTemplate(): string {
  if (template && existsSync(template)) return template;
  const cache = join(workspaceRoot, 'node_modules', '.cache', 'elmo-test-support');
  const final = join(cache, `pglite-${templateKey()}`);
  if (!existsSync(final)) {
    mkdirSync(cache, { recursive: true });
    // Made aside and renamed into place, so that parallel test workers never see half a template.
    const partial = `${final}.${process.pid}-${Date.now()}`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', CREATE, partial, migrationsDir], {
      cwd: webDir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (result.status !== 0) {
      rmSync(partial, { recursive: true, force: true });
      throw new Error(`could not create the database template: ${result.stderr || result.error}`);
    }
    try {
      renameSync(partial, final);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // Another worker was first.
    }
  }
  template = final;
  return final;
}

/**
 * Gives the deployment data folder `dataDir` an embedded database with every migration applied, copied from
 * the template, unless it already has one. Never throws: a data folder that cannot take it (a test's broken
 * folder) is left for the web app to report.
 */
export function seedDatabase(dataDir: string): void {
  const target = join(dataDir, 'pglite');
  try {
    if (existsSync(target) || (existsSync(dataDir) && !statSync(dataDir).isDirectory())) return;
    cpSync(ensureTemplate(), target, { recursive: true });
  } catch {
    rmSync(target, { recursive: true, force: true });
  }
}

/**
 * `seedDatabase` without blocking the event loop for the copy (about 40 MB): for a test process that serves
 * something itself meanwhile, such as an in-process sink whose late answers would look like resends.
 */
export async function seedDatabaseAsync(dataDir: string): Promise<void> {
  const target = join(dataDir, 'pglite');
  try {
    if (existsSync(target) || (existsSync(dataDir) && !statSync(dataDir).isDirectory())) return;
    await cp(ensureTemplate(), target, { recursive: true });
  } catch {
    await rm(target, { recursive: true, force: true });
  }
}
