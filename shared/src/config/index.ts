export * from './load-config.js';
export * from './log-level.js';
export * from './describe-config.js';
