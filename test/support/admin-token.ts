import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BIN } from './processes.js';

const run = promisify(execFile);

/**
 * An admin's API token for the server configured by `configFile`, made the way an operator
 * makes one: `earshot-server users add` then `earshot-server tokens create`.
 */
export async function adminToken(configFile: string, username = 'e2e-admin'): Promise<string> {
  await run(process.execPath, [BIN.server, 'users', 'add', username, '--role', 'admin', '--config', configFile]);
  const { stdout } = await run(process.execPath, [BIN.server, 'tokens', 'create', username, '--config', configFile]);
  const token = stdout.trim();
  if (!token.startsWith('es_'))
    throw new Error(`no token from earshot-server tokens create: ${JSON.stringify(stdout)}`);
  return token;
}
