export * from './load-config.js';
export * from './log-level.js';
