import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '@elmo/telemetry-core/node';

/** What the version marker says about this start (SPEC §5, seed 000). */
export type VersionChange = { kind: 'install' } | { kind: 'update'; oldVersion: string } | { kind: 'same' };

/**
 * Compares the marker in the data folder with the running version and writes the new one. The marker is
 * written even when telemetry is off (documented in docs/TELEMETRY.md), so that turning telemetry on
 * later does not report an old install as new.
 */
export function checkVersionMarker(markerPath: string, version: string): VersionChange {
  let previous: string | undefined;
  try {
    previous = readFileSync(markerPath, 'utf8').trim() || undefined;
  } catch {}
  if (previous !== version) writeFileAtomic(markerPath, `${version}\n`, 0o644);
  if (previous === undefined) return { kind: 'install' };
  return previous === version ? { kind: 'same' } : { kind: 'update', oldVersion: previous };
}
