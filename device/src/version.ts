import { createRequire } from 'node:module';

/** The package version, reported in status and heartbeats. */
export const VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
