import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CredentialsFile } from '@earshot/device/credentials-file';
import { Outbox } from '@earshot/device/outbox';
import { Uplink } from '@earshot/device/uplink';
import { Topics } from '@earshot/shared/protocol';
import { freePort } from '@earshot/test-kit/ports';
import { waitFor } from '@earshot/test-kit/processes';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { connectAsync, type MqttClient } from 'mqtt';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { type Database, openDatabase } from '../../src/db/database.js';
import { CredentialRotation } from '../../src/devices/credential-rotation.js';
import { Decommissioning } from '../../src/devices/decommissioning.js';
import { DeviceLink, DeviceLinkError } from '../../src/devices/device-link.js';
import { MqttAccounts } from '../../src/devices/mqtt-accounts.js';
import { MqttIngest } from '../../src/ingest/mqtt-ingest.js';
import { BrokerClient } from '../../src/broker/broker-client.js';
import { DeviceReports } from '../../src/fleet/device-reports.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { ingestHarness, quietLogger } from '../support/ingest-harness.js';
import { SIM_DEVICE_TRANSFER, simDeviceHandlers } from '../support/sim-device-handlers.js';

const topics = new Topics('earshot');

/**
 * Credential rotation and decommissioning over the embedded broker (aedes) with the server's
 * real MQTT client and a device's real Uplink writing its real credentials file.
 */
describe('credential rotation and decommissioning on the embedded broker', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let db: Database;
  let broker: EmbeddedBroker;
  let ingest: MqttIngest;
  let uplink: Uplink;
  let accounts: MqttAccounts;
  let link: DeviceLink;
  let url: string;
  let credentials: CredentialsFile;
  const passwords: Record<string, string> = {};
  const clients: MqttClient[] = [];

  before(async () => {
    dir = await tempDir();
    db = await openDatabase(`sqlite:${join(dir.path, 'earshot.db')}`);
    accounts = new MqttAccounts(db);
    passwords['pi-1'] = await accounts.issue('pi-1', 'device');
    passwords['pi-2'] = await accounts.issue('pi-2', 'device');
    const port = await freePort();
    url = `mqtt://127.0.0.1:${port}`;
    broker = new EmbeddedBroker({
      host: '127.0.0.1',
      port,
      topics,
      maxMessageBytes: 256 * 1024,
      accounts,
      logger: quietLogger,
    });
    await broker.start();
    const client = new BrokerClient({
      url,
      ...broker.internalLogin,
      clientId: 'earshot-server',
      protocolVersion: 4,
      logger: quietLogger,
    });
    link = new DeviceLink(topics, client.publish);
    const { ingest: clipIngest } = ingestHarness(db, new DiskBlobStore(join(dir.path, 'clips')));
    ingest = new MqttIngest({
      client,
      topics,
      ingest: clipIngest,
      reports: new DeviceReports({ db, logger: quietLogger }),
      maxFinsInProgress: 8,
      logger: quietLogger,
      onResponse: (deviceId, name, payload) => link.answered(deviceId, name, payload),
    });
    await ingest.start();
    credentials = new CredentialsFile(join(dir.path, 'device'));
    await credentials.write({ deviceId: 'pi-1', username: 'pi-1', password: passwords['pi-1'] });
    const outbox = new Outbox(join(dir.path, 'device', 'outbox'), quietLogger);
    await outbox.open();
    uplink = new Uplink({
      url,
      deviceId: 'pi-1',
      topics,
      username: 'pi-1',
      password: credentials.read()?.password,
      ...SIM_DEVICE_TRANSFER,
      reconnectMinMs: 50,
      reconnectMaxMs: 500,
      outbox,
      logger: quietLogger,
      ...simDeviceHandlers(outbox),
      storePassword: (password, previousPassword) =>
        credentials.write({ deviceId: 'pi-1', username: 'pi-1', password, previousPassword }),
    });
    uplink.start();
    await waitFor('the device online', async () => {
      const row = await db.selectFrom('devices').select('state').where('id', '=', 'pi-1').executeTakeFirst();
      return row?.state === 'online' ? true : undefined;
    });
  });

  after(async () => {
    await uplink?.stop();
    for (const client of clients) await client.endAsync(true);
    await ingest?.stop();
    await broker?.stop();
    await db?.destroy();
    await dir?.remove();
  });

  /** Connects as `username`; rejects when the broker refuses the login. */
  async function login(username: string, password: string): Promise<MqttClient> {
    const client = await connectAsync(url, {
      // A client id of its own account (the broker binds ids to accounts): a doctor run, say.
      clientId: `earshot-doctor-${username}-${clients.length}`,
      username,
      password,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    clients.push(client);
    return client;
  }

  it('sends a new password the device stores (0600) and reconnects with; the old one works until then', async () => {
    const rotation = new CredentialRotation(accounts, link, { timeoutMs: 10_000, retireOnAnswer: false });
    const old = passwords['pi-1'] as string;
    assert.deepEqual(await rotation.rotate('pi-1'), { retired: false });
    const stored = credentials.read();
    assert.ok(stored && stored.password !== old, 'the credentials file holds the new password');
    assert.equal((await stat(credentials.path)).mode & 0o777, 0o600);
    // The device's next login uses the new password, which retires the old one.
    await waitFor('the old password retired', async () =>
      (await accounts.authenticate('pi-1', old)) === undefined ? true : undefined,
    );
    await waitFor('the device back online', async () => (uplink.connected ? true : undefined));
    // Accepted at once by the embedded broker: the old password leaves the file.
    await waitFor('the previous password dropped from the file', async () =>
      credentials.read()?.previousPassword === undefined ? true : undefined,
    );
    await assert.rejects(login('pi-1', old), /Bad username or password/i);
    passwords['pi-1'] = stored.password;
  });

  it('confines the request and response topics to their device', async () => {
    const own = await login('pi-2', passwords['pi-2'] as string);
    assert.equal((await own.subscribeAsync(topics.request('pi-2', 'credentials'), { qos: 1 }))[0]?.qos, 1);
    // aedes closes the connection of a client subscribing where it may not.
    const snoop = await login('pi-2', passwords['pi-2'] as string);
    await assert.rejects(snoop.subscribeAsync(topics.request('pi-1', 'credentials'), { qos: 1 }), /Connection closed/);
  });

  it('answers a rotation for a device that does not answer with a timeout, keeping its password', async () => {
    const rotation = new CredentialRotation(accounts, link, { timeoutMs: 300, retireOnAnswer: false });
    await assert.rejects(rotation.rotate('pi-2'), (error: unknown) => {
      assert.ok(error instanceof DeviceLinkError);
      assert.equal(error.reason, 'timeout');
      return true;
    });
    assert.equal(await accounts.authenticate('pi-2', passwords['pi-2'] as string), 'device');
  });

  it('decommissions: connection closed, login refused, retained status emptied', async () => {
    const decommissioning = new Decommissioning(db, link, (deviceId) => broker.disconnectDevice(deviceId));
    const { credentialsRevoked } = await decommissioning.decommission('pi-1');
    assert.equal(credentialsRevoked, true);
    await waitFor('the device disconnected', async () => (uplink.connected ? undefined : true));
    await assert.rejects(login('pi-1', passwords['pi-1'] as string), /Bad username or password|Not authorized/i);
    // A retained message reaches a new subscriber before anything published after it subscribed.
    const watcher = await login(broker.internalLogin.username, broker.internalLogin.password);
    const first = new Promise<Buffer>((resolve) => watcher.once('message', (_topic, payload) => resolve(payload)));
    await watcher.subscribeAsync(topics.status('pi-1'), { qos: 1 });
    await watcher.publishAsync(topics.status('pi-1'), 'sentinel', { qos: 1 });
    assert.equal((await first).toString(), 'sentinel', 'no retained status left');
    const row = await db.selectFrom('devices').selectAll().where('id', '=', 'pi-1').executeTakeFirstOrThrow();
    assert.equal(row.state, 'offline');
    assert.ok(row.decommissioned_at);
  });
});
