import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Topics } from '@earshot/shared/protocol';
import { openDatabase } from '../../src/db/database.js';
import { mosquittoAclFile, mosquittoPasswordFile } from '../../src/devices/mosquitto-files.js';
import { AccountError, MqttAccounts } from '../../src/devices/mqtt-accounts.js';

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
    // The server writes heartbeat and clip topics only to clear a retained message parked there.
    assert.match(acl, /^user srv\ntopic readwrite earshot\/v1\/\+\/heartbeat$/m);
    assert.match(acl, /^topic readwrite earshot\/v1\/\+\/clip\/#$/m);
    // Rotation and decommissioning: requests out, answers in, retained topics emptied.
    assert.match(acl, /^pattern read earshot\/v1\/%u\/request\/\+$/m);
    assert.match(acl, /^pattern write earshot\/v1\/%u\/response\/\+$/m);
    assert.match(acl, /^topic write earshot\/v1\/\+\/request\/\+$/m);
    assert.match(acl, /^topic readwrite earshot\/v1\/\+\/status$/m);
    assert.doesNotMatch(acl, /user dev-1/);
  });

  it('keeps the old password valid beside a rotated one until the new one is first used', async (t) => {
    const db = await openDatabase('sqlite::memory:');
    t.after(() => db.destroy());
    const accounts = new MqttAccounts(db);
    const old = await accounts.issue('dev-1', 'device');
    const rotated = await accounts.stage('dev-1');
    assert.equal(await accounts.authenticate('dev-1', old), 'device', 'old still valid');
    assert.equal(await accounts.authenticate('dev-1', rotated), 'device', 'first login with the new one');
    assert.equal(await accounts.authenticate('dev-1', old), undefined, 'old retired by that login');
    assert.equal(await accounts.authenticate('dev-1', rotated), 'device');
    // An external broker: retired when the device confirms instead.
    const next = await accounts.stage('dev-1');
    assert.equal(await accounts.promote('dev-1'), true);
    assert.equal(await accounts.authenticate('dev-1', rotated), undefined);
    assert.equal(await accounts.authenticate('dev-1', next), 'device');
    assert.equal(await accounts.promote('dev-1'), false, 'nothing pending');
    await accounts.revoke('dev-1');
    await assert.rejects(accounts.stage('dev-1'), /no live MQTT account "dev-1"/);
  });
});
