export * from './paths.js';
export * from './runtime.js';
