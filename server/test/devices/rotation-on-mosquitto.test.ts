import assert from 'node:assert/strict';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { CredentialsFile } from '@earshot/device/credentials-file';
import { Outbox } from '@earshot/device/outbox';
import { Uplink } from '@earshot/device/uplink';
import { Topics } from '@earshot/shared/protocol';
import { type PrivateMosquitto, startPrivateMosquitto } from '@earshot/test-kit/mosquitto';
import { waitFor } from '@earshot/test-kit/processes';
import { requireService } from '@earshot/test-kit/services';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { connectAsync } from 'mqtt';
import { type Database, openDatabase } from '../../src/db/database.js';
import { CredentialRotation } from '../../src/devices/credential-rotation.js';
import { DeviceLink } from '../../src/devices/device-link.js';
import { mosquittoAclFile, mosquittoPasswordFile } from '../../src/devices/mosquitto-files.js';
import { MqttAccounts } from '../../src/devices/mqtt-accounts.js';
import { MqttIngest } from '../../src/ingest/mqtt-ingest.js';
import { BrokerClient } from '../../src/broker/broker-client.js';
import { DeviceReports } from '../../src/fleet/device-reports.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { ingestHarness, quietLogger } from '../support/ingest-harness.js';
import { SIM_DEVICE_TRANSFER, simDeviceHandlers } from '../support/sim-device-handlers.js';
import { LogCapture } from '../support/sim-device.js';
import { makeClip } from '../support/test-clips.js';

const topics = new Topics('earshot');

/**
 * Credential rotation on an external broker (a private Mosquitto), which learns a new password
 * only when its password file is regenerated and reloaded: the device must stay online on its
 * previous password until then, and move to the new one after.
 */
describe('credential rotation on Mosquitto', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let db: Database;
  let mosquitto: PrivateMosquitto;
  let ingest: MqttIngest;
  let uplink: Uplink;
  let outbox: Outbox;
  let accounts: MqttAccounts;
  let rotation: CredentialRotation;
  let credentials: CredentialsFile;
  const deviceLog = new LogCapture();
  const delivered = new Set<string>();

  /** Writes the broker's files from the database, as `earshot-server credentials mosquitto` does. */
  async function brokerFiles(): Promise<{ passwordFile: string; aclFile: string }> {
    const live = await accounts.list();
    return { passwordFile: mosquittoPasswordFile(live), aclFile: mosquittoAclFile(topics, live) };
  }

  /** Whether Mosquitto accepts `password` for pi-1 now. */
  async function accepted(password: string): Promise<boolean> {
    try {
      const client = await connectAsync(mosquitto.url, {
        clientId: `probe-${Math.random().toString(16).slice(2)}`,
        username: 'pi-1',
        password,
        protocolVersion: 4,
        reconnectPeriod: 0,
      });
      await client.endAsync(true);
      return true;
    } catch {
      return false;
    }
  }

  async function press(): Promise<string> {
    const { meta, audio } = makeClip(1);
    await outbox.put(meta, audio);
    uplink.kick(meta.clipId);
    return meta.clipId;
  }

  /** The broker, the server's MQTT client and a device on its real uplink and credentials file. */
  async function setUp(t: TestContext): Promise<void> {
    dir = await tempDir();
    t.after(async () => {
      await uplink?.stop();
      await ingest?.stop();
      await mosquitto?.stop();
      await db?.destroy();
      await dir.remove();
    });
    db = await openDatabase(`sqlite:${join(dir.path, 'earshot.db')}`);
    accounts = new MqttAccounts(db);
    const devicePassword = await accounts.issue('pi-1', 'device');
    const serverPassword = await accounts.issue('server-a', 'server');
    await mkdir(join(dir.path, 'mosquitto'));
    mosquitto = await startPrivateMosquitto({ dir: join(dir.path, 'mosquitto'), ...(await brokerFiles()) });
    const client = new BrokerClient({
      url: mosquitto.url,
      username: 'server-a',
      password: serverPassword,
      clientId: 'earshot-server-a',
      protocolVersion: 5,
      logger: quietLogger,
    });
    const link = new DeviceLink(topics, client.publish);
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
    rotation = new CredentialRotation(accounts, link, { timeoutMs: 10_000, retireOnAnswer: true });
    credentials = new CredentialsFile(join(dir.path, 'device'));
    await credentials.write({ deviceId: 'pi-1', username: 'pi-1', password: devicePassword });
    outbox = new Outbox(join(dir.path, 'device', 'outbox'), quietLogger);
    await outbox.open();
    const login = credentials.read();
    uplink = new Uplink({
      url: mosquitto.url,
      deviceId: 'pi-1',
      topics,
      username: 'pi-1',
      password: login?.password,
      previousPassword: login?.previousPassword,
      newPasswordRetryMs: 1000,
      ...SIM_DEVICE_TRANSFER,
      reconnectMinMs: 50,
      reconnectMaxMs: 500,
      outbox,
      logger: deviceLog.logger,
      ...simDeviceHandlers(outbox),
      onDelivered: (clipId) => delivered.add(clipId),
      storePassword: (password, previousPassword) =>
        credentials.write({ deviceId: 'pi-1', username: 'pi-1', password, previousPassword }),
    });
    uplink.start();
    await waitFor('the device online', async () => (uplink.connected ? true : undefined));
  }

  it('keeps the device delivering on its previous password until the reload, then moves it to the new one', async (t) => {
    if (!(await requireService(t, 'mosquitto binary', () => access('/usr/sbin/mosquitto')))) return;
    await setUp(t);
    const old = credentials.read()?.password as string;
    assert.deepEqual(await rotation.rotate('pi-1'), { retired: true });
    const stored = credentials.read();
    assert.ok(stored && stored.password !== old, 'the credentials file holds the new password');
    assert.equal(stored.previousPassword, old, 'and keeps the old one beside it');

    // Mosquitto still has the old password: the new one is refused, the device falls back.
    const before = await press();
    await waitFor('a clip delivered on the previous password', async () => (delivered.has(before) ? true : undefined));
    assert.ok(deviceLog.lines.some((line) => line.includes('broker refused the new MQTT password')));
    assert.equal(await accepted(stored.password), false, 'Mosquitto does not know the new password yet');
    assert.equal(credentials.read()?.previousPassword, old, 'the old password is kept while the new one is refused');

    // The operator regenerates the files from the database (which holds the new password only) and reloads.
    const files = await brokerFiles();
    await mosquitto.reload(files.passwordFile, files.aclFile);
    assert.equal(await accepted(stored.password), true);
    assert.equal(await accepted(old), false);

    // The device's periodic retry logs in with the new password and forgets the old one.
    await waitFor('the previous password dropped from the file', async () =>
      credentials.read()?.previousPassword === undefined ? true : undefined,
    );
    assert.equal(credentials.read()?.password, stored.password);
    const after = await press();
    await waitFor('a clip delivered on the new password', async () => (delivered.has(after) ? true : undefined));
  });
});
