import { readFileSync } from 'node:fs';

/** The version in the CLI's package.json (one folder above src/ and dist/ alike). */
export function readProductVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
