// Writes docs/TELEMETRY.md from the catalog (`pnpm docs:telemetry`).
import { writeFileSync } from 'node:fs';
import { elmoCatalog } from './catalog.js';
import { renderDisclosure } from './disclosure.js';
import { DISCLOSURE_PATH } from './disclosure-path.js';

writeFileSync(DISCLOSURE_PATH, renderDisclosure(elmoCatalog));
console.log(`wrote ${DISCLOSURE_PATH}`);
