import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BIN } from './processes.js';

const run = promisify(execFile);

/**
 * Credentials made the way an operator makes them, with the earshot-server CLI against the
 * server's configuration: an admin's API token, a device's MQTT password.
 */

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

/** A device's MQTT credentials: `earshot-server credentials issue`. */
export async function deviceCredentials(
  configFile: string,
  deviceId: string,
): Promise<{ username: string; password: string }> {
  const { stdout } = await run(process.execPath, [
    BIN.server,
    'credentials',
    'issue',
    deviceId,
    '--config',
    configFile,
  ]);
  const password = /^password: (\S+)$/m.exec(stdout)?.[1];
  if (!password) throw new Error(`no password from earshot-server credentials issue: ${JSON.stringify(stdout)}`);
  return { username: deviceId, password };
}
