import { configTable, type ReferenceSection } from '@earshot/shared/config';
import { ServerConfigSchema } from './server-config.js';

/**
 * Every table of the server's configuration in the documentation, generated from the schema:
 * scripts/config-reference writes them, and a test fails when a file differs.
 */
export function serverReferenceSections(): ReferenceSection[] {
  return [{ file: 'README.md', name: 'server', table: configTable(ServerConfigSchema) }];
}
