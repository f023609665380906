import assert from 'node:assert/strict';
import { access, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Outbox } from '@earshot/device/outbox';
import { Uplink } from '@earshot/device/uplink';
import { Topics } from '@earshot/shared/protocol';
import { startPrivateMosquitto } from '@earshot/test-kit/mosquitto';
import { waitFor } from '@earshot/test-kit/processes';
import { requireService } from '@earshot/test-kit/services';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { connectAsync } from 'mqtt';
import { MOSQUITTO_REQUIRED_SETTINGS } from '../../src/broker/mosquitto-settings.js';
import { openDatabase } from '../../src/db/database.js';
import { mosquittoAclFile, mosquittoPasswordFile } from '../../src/devices/mosquitto-files.js';
import { MqttAccounts } from '../../src/devices/mqtt-accounts.js';
import { BrokerClient } from '../../src/broker/broker-client.js';
import { DeviceReports } from '../../src/fleet/device-reports.js';
import { MqttIngest } from '../../src/ingest/mqtt-ingest.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { ingestHarness, quietLogger } from '../support/ingest-harness.js';
import { SIM_DEVICE_TRANSFER, simDeviceHandlers } from '../support/sim-device-handlers.js';
import { makeClip } from '../support/test-clips.js';

const topics = new Topics('earshot');
const SCALE_OUT_DOC = new URL('../../../../docs/scale-out.md', import.meta.url);

/**
 * Client-id takeover on an external Mosquitto (issue #14 item 1) with the settings
 * docs/scale-out.md asks for: a device's valid login that names the server's or another device's
 * client id takes no session, and the server and the device still connect and deliver.
 */
describe('Mosquitto with the documented settings', () => {
  it('docs/scale-out.md shows every setting the tests run Mosquitto with', async () => {
    const doc = await readFile(SCALE_OUT_DOC, 'utf8');
    for (const line of MOSQUITTO_REQUIRED_SETTINGS) assert.ok(doc.includes(line), `docs/scale-out.md lacks "${line}"`);
  });

  it("a device's login with the server's or another device's client id drops neither session", async (t) => {
    if (!(await requireService(t, 'mosquitto binary', () => access('/usr/sbin/mosquitto')))) return;
    const dir = await tempDir();
    t.after(() => dir.remove());
    const db = await openDatabase(`sqlite:${join(dir.path, 'earshot.db')}`);
    t.after(() => db.destroy());
    const accounts = new MqttAccounts(db);
    const passwords = {
      'pi-1': await accounts.issue('pi-1', 'device'),
      'pi-2': await accounts.issue('pi-2', 'device'),
      'server-a': await accounts.issue('server-a', 'server'),
      'server-b': await accounts.issue('server-b', 'server'),
    };
    const live = await accounts.list();
    await mkdir(join(dir.path, 'mosquitto'));
    const mosquitto = await startPrivateMosquitto({
      dir: join(dir.path, 'mosquitto'),
      passwordFile: mosquittoPasswordFile(live),
      aclFile: mosquittoAclFile(topics, live),
      settings: MOSQUITTO_REQUIRED_SETTINGS,
    });
    t.after(() => mosquitto.stop());
    const { ingest: clipIngest } = ingestHarness(db, new DiskBlobStore(join(dir.path, 'clips')));
    const client = new BrokerClient({
      url: mosquitto.url,
      username: 'server-a',
      password: passwords['server-a'],
      clientId: 'earshot-server-a',
      protocolVersion: 5,
      logger: quietLogger,
    });
    const ingest = new MqttIngest({
      client,
      topics,
      ingest: clipIngest,
      reports: new DeviceReports({ db, logger: quietLogger }),
      maxFinsInProgress: 8,
      logger: quietLogger,
      // No request of this test expects an answer.
      onResponse: () => undefined,
    });
    await ingest.start();
    t.after(() => ingest.stop());
    const outbox = new Outbox(join(dir.path, 'device', 'outbox'), quietLogger);
    await outbox.open();
    const delivered = new Set<string>();
    const uplink = new Uplink({
      url: mosquitto.url,
      deviceId: 'pi-1',
      topics,
      username: 'pi-1',
      password: passwords['pi-1'],
      ...SIM_DEVICE_TRANSFER,
      reconnectMinMs: 50,
      reconnectMaxMs: 500,
      outbox,
      logger: quietLogger,
      ...simDeviceHandlers(outbox),
      onDelivered: (clipId) => delivered.add(clipId),
      storePassword: async () => undefined,
    });
    uplink.start();
    t.after(() => uplink.stop());
    await waitFor('the device online', async () => (uplink.connected ? true : undefined));

    for (const stolen of ['earshot-server-a', 'earshot-device-pi-1']) {
      const thief = await connectAsync(mosquitto.url, {
        clientId: stolen,
        username: 'pi-2',
        password: passwords['pi-2'],
        protocolVersion: 4,
        reconnectPeriod: 0,
      });
      await thief.endAsync(true);
    }
    const { meta, audio } = makeClip(1);
    await outbox.put(meta, audio);
    uplink.kick(meta.clipId);
    await waitFor('a clip delivered after the attempts', async () => (delivered.has(meta.clipId) ? true : undefined));
    assert.equal(client.connected, true);
    const log = await mosquitto.log();
    assert.doesNotMatch(log, /already connected, closing old connection/, 'no session was taken over');
    assert.match(log, /as pi-2 \(/, 'the broker names the account the id was replaced by');

    // Item 5 on Mosquitto, which cannot refuse a retained publish: the server clears one parked
    // where none belongs (here a heartbeat, retained by a device that should not).
    const parker = await connectAsync(mosquitto.url, {
      username: 'pi-2',
      password: passwords['pi-2'],
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    await parker.publishAsync(topics.heartbeat('pi-2'), Buffer.alloc(100 * 1024, 0x61), { qos: 1, retain: true });
    await parker.endAsync(true);
    const retainedNow = async (): Promise<number> => {
      const reader = await connectAsync(mosquitto.url, {
        username: 'server-b',
        password: passwords['server-b'],
        protocolVersion: 5,
        reconnectPeriod: 0,
      });
      let retained = 0;
      reader.on('message', (_topic, payload, packet) => {
        if (packet.retain && payload.length > 0) retained++;
      });
      await reader.subscribeAsync(topics.heartbeat('pi-2'), { qos: 1 });
      // A retained message is sent with the subscription's answer; a short wait covers its delivery.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await reader.endAsync(true);
      return retained;
    };
    await waitFor('the parked retained heartbeat cleared', async () =>
      (await retainedNow()) === 0 ? true : undefined,
    );
  });
});
