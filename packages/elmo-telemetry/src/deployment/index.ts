export * from './aggregates.js';
export * from './deployment-telemetry.js';
export * from './ingest.js';
export * from './version-marker.js';
