export { CONSENT_OFF, CONSENT_ON, TEST_CONSENT_NAMES } from './consent.js';
export { createMemorySender, type MemorySender } from './memory-sender.js';
export { testCatalog } from './test-catalog.js';
