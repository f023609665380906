import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { openDatabase } from '../../src/db/database.js';
import { AccountError, MqttAccounts } from '../../src/devices/mqtt-accounts.js';

describe('MQTT account roles', () => {
  it('refuses to issue a server password for a device account (or the reverse), keeping its role', async () => {
    const dir = await tempDir();
    const db = await openDatabase(`sqlite:${join(dir.path, 'earshot.db')}`);
    try {
      const accounts = new MqttAccounts(db);
      await accounts.issue('pi-1', 'device');
      await accounts.issue('server-a', 'server');
      await assert.rejects(accounts.issue('pi-1', 'server'), (error: unknown) => {
        assert.ok(error instanceof AccountError);
        assert.match(error.message, /"pi-1" is a device account; a server account needs a name of its own/);
        return true;
      });
      await assert.rejects(accounts.issue('server-a', 'device'), AccountError);
      const roles = Object.fromEntries((await accounts.list()).map((a) => [a.username, a.role]));
      assert.deepEqual(roles, { 'pi-1': 'device', 'server-a': 'server' });
      assert.ok((await accounts.issue('pi-1', 'device')).length > 0, 'a device gets a new password as before');
    } finally {
      await db.destroy();
      await dir.remove();
    }
  });
});
