export * from './exit-codes.js';
export * from './finish.js';
export * from './serve-until-signal.js';
export * from './startup-failure.js';
export * from './command-table.js';
