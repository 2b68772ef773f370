export * from './aggregates.js';
export * from './deployment-telemetry.js';
export * from './version-marker.js';
