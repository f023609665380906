import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Topics } from '@earshot/shared/protocol';
import { openDatabase } from '../src/db/database.js';
import { mosquittoAclFile, mosquittoPasswordFile } from '../src/devices/mosquitto-files.js';
import { AccountError, MqttAccounts } from '../src/devices/mqtt-accounts.js';

describe('MqttAccounts', () => {
  it('issues, checks, replaces and revokes passwords, storing only hashes', async (t) => {
    const db = await openDatabase('sqlite::memory:');
    t.after(() => db.destroy());
    const accounts = new MqttAccounts(db);
    const first = await accounts.issue('dev-1', 'device');
    assert.equal(await accounts.authenticate('dev-1', first), 'device');
    assert.equal(await accounts.authenticate('dev-1', 'wrong'), undefined);
    assert.equal(await accounts.authenticate('dev-2', first), undefined);
    const rows = await db.selectFrom('mqtt_accounts').selectAll().execute();
    assert.ok(rows.every((r) => r.password_hash.startsWith('$7$') && !r.password_hash.includes(first)));

    const second = await accounts.issue('dev-1', 'device');
    assert.equal(await accounts.authenticate('dev-1', first), undefined, 'reissuing replaces the password');
    assert.equal(await accounts.authenticate('dev-1', second), 'device');
    assert.equal(await accounts.revoke('dev-1'), true);
    assert.equal(await accounts.authenticate('dev-1', second), undefined);
    await assert.rejects(accounts.issue('bad/name', 'device'), AccountError);
  });

  it('renders Mosquitto files: hashes as stored, devices confined by %u, servers by user', async (t) => {
    const db = await openDatabase('sqlite::memory:');
    t.after(() => db.destroy());
    const accounts = new MqttAccounts(db);
    await accounts.issue('dev-1', 'device');
    await accounts.issue('srv', 'server');
    const live = await accounts.list();
    assert.match(mosquittoPasswordFile(live), /^dev-1:\$7\$\d+\$[^$]+\$[^$]+\nsrv:\$7\$/);
    const acl = mosquittoAclFile(new Topics('earshot'), live);
    assert.match(acl, /^pattern write earshot\/v1\/%u\/clip\/#$/m);
    assert.match(acl, /^pattern read earshot\/v1\/%u\/ack$/m);
    assert.match(acl, /^user srv\ntopic read earshot\/v1\/\+\/status$/m);
    assert.doesNotMatch(acl, /user dev-1/);
  });
});
