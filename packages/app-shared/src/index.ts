export * from './database-url.js';
export * from './describe-error.js';
export * from './guard-hooks.js';
export * from './report-contract.js';
