export * from './clip-messages.js';
export * from './device-reports.js';
export * from './ids.js';
export * from './message-decoder.js';
export * from './server-requests.js';
export * from './topics.js';
