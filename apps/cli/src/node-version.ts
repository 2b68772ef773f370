// The Node.js versions elmo supports. This module imports nothing: bin.ts checks the version with it before it
// loads anything that might not load on another Node.

/**
 * `engines.node` of the root and the apps' package.json (a test keeps them equal): the majors that are tested
 * (20 by `npm test`, 22 and 24 by `pnpm test:node-matrix`), each from the oldest release every dependency supports
 * (posthog-node needs 20.20 or 22.22).
 */
export const SUPPORTED_NODE = '^20.20 || ^22.22 || ^24';

/** Each supported major with its lowest minor, read from SUPPORTED_NODE so that the two cannot disagree. */
const SUPPORTED = SUPPORTED_NODE.split('||').map((part) => {
  const [major = 0, minor = 0] = part.trim().slice(1).split('.').map(Number);
  return { major, minor };
});

/** True when `version` (`process.versions.node`, e.g. `22.23.5`) is in SUPPORTED_NODE. */
export function isSupportedNode(version: string): boolean {
  const [major, minor = 0] = version.split('.').map(Number);
  return SUPPORTED.some((range) => range.major === major && minor >= range.minor);
}

/** The one line elmo prints on an unsupported Node, e.g. `…; use Node.js 20.20+, 22.22+ or 24`; else undefined. */
export function unsupportedNodeMessage(version: string): string | undefined {
  if (isSupportedNode(version)) return undefined;
  const names = SUPPORTED.map(({ major, minor }) => (minor ? `${major}.${minor}+` : `${major}`));
  return `elmo: Node.js ${version} is not supported; use Node.js ${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}
