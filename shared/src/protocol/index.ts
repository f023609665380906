export * from './ids.js';
export * from './messages.js';
export * from './topics.js';
