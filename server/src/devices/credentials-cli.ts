import { chmod, writeFile } from 'node:fs/promises';
import { Topics } from '@earshot/shared/protocol';
import { databaseUrl, type ServerConfig } from '../config/server-config.js';
import { openDatabase } from '../db/database.js';
import { mosquittoAclFile, mosquittoPasswordFile } from './mosquitto-files.js';
import { AccountError, MqttAccounts } from './mqtt-accounts.js';

export const CREDENTIALS_USAGE = `  earshot-server credentials issue DEVICE_ID          new password for a device (printed once)
  earshot-server credentials issue-server NAME        new password for a server instance (scale-out)
  earshot-server credentials revoke NAME              the account can no longer log in
  earshot-server credentials list                     accounts, no passwords
  earshot-server credentials mosquitto PASSWD ACL     write Mosquitto password_file and acl_file`;

/** `earshot-server credentials ...`: runs against the configured database, prints to stdout. */
export async function credentialsCommand(
  config: ServerConfig,
  args: string[],
  out: (line: string) => void,
): Promise<number> {
  const db = await openDatabase(databaseUrl(config));
  try {
    const accounts = new MqttAccounts(db);
    const [command, first, second] = args;
    if ((command === 'issue' || command === 'issue-server') && first !== undefined) {
      const password = await accounts.issue(first, command === 'issue' ? 'device' : 'server');
      out(`username: ${first}`);
      out(`password: ${password}`);
      return 0;
    }
    if (command === 'revoke' && first !== undefined) {
      out((await accounts.revoke(first)) ? `revoked ${first}` : `no live account ${first}`);
      return 0;
    }
    if (command === 'list') {
      for (const account of await accounts.list()) out(`${account.role}\t${account.username}`);
      return 0;
    }
    if (command === 'mosquitto' && first !== undefined && second !== undefined) {
      const live = await accounts.list();
      await writeFile(first, mosquittoPasswordFile(live), { mode: 0o600 });
      await writeFile(second, mosquittoAclFile(new Topics(config.mqtt.root), live), { mode: 0o644 });
      // The ACL holds no secret and Mosquitto may run as another user: readable whatever the umask.
      await chmod(second, 0o644);
      out(`wrote ${live.length} accounts to ${first} and the ACL to ${second}; reload Mosquitto (SIGHUP)`);
      return 0;
    }
    throw new AccountError(`unknown or incomplete credentials command\n${CREDENTIALS_USAGE}`);
  } finally {
    await db.destroy();
  }
}
