// The official Node.js builds the npm registry carries as packages (`node-<platform>-<arch>`, its bin/node), kept in
// a cache folder outside the repository and reused while each is the newest of its major. Used by the Node matrix
// (scripts/node-matrix.mjs) and by the benchmarks that compare Node versions. Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { quietEnv, run } from './bootstrap.mjs';

/** The LTS majors besides the machine's own that the project supports and tests. */
export const MAJORS = [22, 24];
const PACKAGE = `node-${process.platform}-${process.arch}`;
const CACHE = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'elmo-node-matrix');

/** Compares two `x.y.z` versions numerically (a string sort would put 22.9 after 22.23). */
function compareVersions(a, b) {
  const [pa, pb] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i += 1) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** The newest published version of a major, or undefined when the registry cannot be asked (offline). */
function newestPublished(major) {
  const result = spawnSync('npm', ['view', `${PACKAGE}@${major}`, 'version', '--json'], {
    encoding: 'utf8',
    env: quietEnv,
  });
  if (result.status !== 0 || !result.stdout.trim()) return undefined;
  // One match prints a string, several an array.
  const versions = [JSON.parse(result.stdout)].flat().filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  return versions.sort(compareVersions).at(-1);
}

/** The cached versions of a major, oldest first. */
function cachedVersions(major) {
  if (!existsSync(CACHE)) return [];
  return readdirSync(CACHE)
    .filter((name) => name.startsWith(`v${major}.`) && existsSync(join(CACHE, name, 'bin', 'node')))
    .map((name) => name.slice(1))
    .sort(compareVersions);
}

/** Packs and unpacks one version into the cache; the folder appears whole or not at all (a rename). */
function fetchNode(version) {
  mkdirSync(CACHE, { recursive: true });
  const partial = mkdtempSync(join(CACHE, `.v${version}-`));
  try {
    console.log(`› fetching Node.js ${version} (${PACKAGE})`);
    const pack = spawnSync('npm', ['pack', `${PACKAGE}@${version}`, '--pack-destination', partial, '--silent'], {
      encoding: 'utf8',
      env: quietEnv,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tarball = pack.stdout.trim().split('\n').at(-1);
    if (pack.status !== 0 || !tarball) throw new Error(`npm pack ${PACKAGE}@${version} failed`);
    const unpacked = join(partial, 'node');
    mkdirSync(unpacked);
    if (run('tar', ['-xzf', join(partial, tarball), '-C', unpacked, '--strip-components=1']) !== 0) {
      throw new Error(`could not unpack ${tarball}`);
    }
    // Another run may have fetched the same version meanwhile: its copy is as good as this one.
    if (!existsSync(join(CACHE, `v${version}`))) renameSync(unpacked, join(CACHE, `v${version}`));
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** The path of the newest Node of a major: fetched when the registry has a newer one than the cache. */
export function ensureNode(major) {
  const newest = newestPublished(major);
  const cached = cachedVersions(major);
  const version = newest ?? cached.at(-1);
  if (!version) throw new Error(`no Node.js ${major}: the registry could not be asked and ${CACHE} has none`);
  if (!newest) console.warn(`! could not ask the registry for Node.js ${major}; using the cached ${version}`);
  if (!cached.includes(version)) {
    fetchNode(version);
    // One version per major is enough; older ones would only fill the disk.
    for (const old of cached) rmSync(join(CACHE, `v${old}`), { recursive: true, force: true });
  }
  const node = join(CACHE, `v${version}`, 'bin', 'node');
  const reported = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (reported !== `v${version}`) throw new Error(`${node} reports ${reported || 'nothing'}, not v${version}`);
  return { version: `v${version}`, node };
}
