export * from './load-config.js';
export * from './log-level.js';
export * from './describe-config.js';
export { CONFIG_FILE_ENV, ENV_PREFIX, envPath, snakeCase } from './env-overrides.js';
