export * from './catalog.js';
export * from './deployment-settings.js';
export * from './disclosure.js';
export * from './names.js';
