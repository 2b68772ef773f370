import { fileURLToPath } from 'node:url';

/** Where the generated disclosure lives in the repository. */
export const DISCLOSURE_PATH = fileURLToPath(new URL('../../../docs/TELEMETRY.md', import.meta.url));
