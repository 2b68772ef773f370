export * from './aggregates.js';
export * from './deployment-telemetry.js';
export { FORGOTTEN, type ForgetResult } from './forget.js';
export * from './ingest.js';
export * from './version-marker.js';
