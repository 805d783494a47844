export * from './contract.js';
export * from './constants.js';
export * from './views.js';
export * from './agents.js';
export * from './settings.js';
export * from './adapter.js';
