export * from './paths.js';
export * from './runtime.js';
export * from './consent.js';
