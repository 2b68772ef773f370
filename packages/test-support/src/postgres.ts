import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type ManagedProcess, startProcess } from './managed-process.js';
import { getFreePort } from './ports.js';
import { createTempDir } from './temp-dir.js';

// Debian's PostgreSQL, started for a test in a temp folder on a free 127.0.0.1 port, stopped by its PID.

const PG_ROOT = '/usr/lib/postgresql';

/** A running throwaway PostgreSQL server. */
export interface PostgresServer {
  /** Connection string of the database created at start. */
  url: string;
  port: number;
  /** Creates another empty database on this server and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Fast shutdown by PID (SIGINT), then removes the folder. */
  stop(): Promise<void>;
}

/** The bin folder of the newest installed PostgreSQL; throws a clear error when there is none. */
export function findPostgresBin(): string {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((v) => existsSync(join(PG_ROOT, v, 'bin', 'postgres')) && existsSync(join(PG_ROOT, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (!newest) {
    throw new Error(
      `PostgreSQL is not installed: no initdb/postgres under ${PG_ROOT}/*/bin. Install it (apt-get install postgresql); these tests need a real PostgreSQL.`,
    );
  }
  return join(PG_ROOT, newest, 'bin');
}

// PostgreSQL refuses to run as root; as root (containers, CI) it runs as the `postgres` user the package creates.
function asPostgresUser(): { wrap(command: string, args: string[]): [string, string[]]; chown(path: string): void } {
  if (process.getuid?.() !== 0) return { wrap: (command, args) => [command, args], chown: () => {} };
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return {
    wrap: (command, args) => [
      'setpriv',
      [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', command, ...args],
    ],
    chown: (path) => chownSync(path, uid, gid),
  };
}

async function waitForConnection(url: string, server: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      last = error;
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await server.stop('SIGKILL');
  throw new Error(`PostgreSQL did not accept connections (${(last as Error)?.message})\n${server.output()}`);
}

/** Runs initdb in a temp folder, starts `postgres` on a free loopback port and creates `database` (default elmo). */
export async function startPostgres(options: { database?: string; timeoutMs?: number } = {}): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const user = asPostgresUser();
  const dir = createTempDir('elmo-postgres-');
  user.chown(dir.path);
  const dataDir = join(dir.path, 'data');

  const [initCommand, initArgs] = user.wrap(join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--no-sync',
  ]);
  const init = spawnSync(initCommand, initArgs, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  if (init.status !== 0) {
    dir.remove();
    throw new Error(`initdb failed (exit ${init.status}):\n${init.stdout}\n${init.stderr}`);
  }

  const port = await getFreePort();
  // fsync off: a test database never needs to survive a power cut, and it is much faster.
  const [command, args] = user.wrap(join(bin, 'postgres'), [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    dir.path,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'full_page_writes=off',
  ]);
  // setpriv execs postgres in place, so this PID is the postmaster's own.
  const server = startProcess(command, args, { cwd: dir.path, env: { ...process.env, LC_ALL: 'C' } });
  const base = `postgres://postgres@127.0.0.1:${port}`;
  await waitForConnection(`${base}/postgres`, server, options.timeoutMs ?? 30_000);

  async function createDatabase(name: string): Promise<string> {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
    const client = new pg.Client({ connectionString: `${base}/postgres` });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return `${base}/${name}`;
  }

  const url = await createDatabase(options.database ?? 'elmo');
  return {
    url,
    port,
    createDatabase,
    async stop() {
      // SIGINT is PostgreSQL's "fast" shutdown: disconnect clients, stop cleanly.
      await server.stop('SIGINT', 10_000);
      dir.remove();
    },
  };
}
