export * from './consent.js';
export * from './paths.js';
export * from './runtime.js';
