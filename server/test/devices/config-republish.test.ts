import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Topics } from '@earshot/shared/protocol';
import { freePort } from '@earshot/test-kit/ports';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { connectAsync } from 'mqtt';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import type { Database } from '../../src/db/database.js';
import { republishConfigs } from '../../src/devices/config-republisher.js';
import { MqttAccounts } from '../../src/devices/mqtt-accounts.js';
import { ConfigPush } from '../../src/fleet/config-push.js';
import { BrokerClient } from '../../src/broker/broker-client.js';
import { DeviceReports } from '../../src/fleet/device-reports.js';
import { MqttIngest } from '../../src/ingest/mqtt-ingest.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';
import { ingestHarness, quietLogger } from '../support/ingest-harness.js';

const topics = new Topics('earshot');

/**
 * Issue #14 item 6: the embedded broker keeps retained messages in memory, so a server restart
 * used to leave every device without the configuration the console said it had applied. The
 * server's start-up republishes each live device's latest pushed configuration.
 */
for (const kind of DATABASE_KINDS) {
  describe(`pushed configurations across a server restart (${kind})`, () => {
    it("a device finds its latest config retained after the restart; a decommissioned device's stays empty", async (t) => {
      const database = await testDatabase(t, kind);
      if (!database) return;
      t.after(() => database.close());
      const { db } = database;
      const dir = await tempDir();
      t.after(() => dir.remove());
      const accounts = new MqttAccounts(db);
      const password = await accounts.issue('pi-1', 'device');
      const port = await freePort();
      const now = new Date().toISOString();
      for (const id of ['pi-1', 'pi-2']) {
        await db
          .insertInto('devices')
          .values({ id, state: 'online', version: null, state_changed_at: now, last_seen_at: now })
          .execute();
      }

      /** The server's broker and MQTT client, as `EarshotServer.start` wires them. */
      async function startServer(database: Database) {
        const broker = new EmbeddedBroker({
          host: '127.0.0.1',
          port,
          topics,
          maxMessageBytes: 256 * 1024,
          accounts,
          logger: quietLogger,
        });
        await broker.start();
        const client = new BrokerClient({
          url: `mqtt://127.0.0.1:${port}`,
          ...broker.internalLogin,
          clientId: 'earshot-server',
          protocolVersion: 4,
          logger: quietLogger,
        });
        const ingest = new MqttIngest({
          client,
          topics,
          ingest: ingestHarness(database, new DiskBlobStore(join(dir.path, 'clips'))).ingest,
          reports: new DeviceReports({ db: database, logger: quietLogger }),
          maxFinsInProgress: 8,
          logger: quietLogger,
          // No request of this test expects an answer.
          onResponse: () => undefined,
        });
        await ingest.start();
        const publish = client.publish;
        return {
          publish,
          stop: async () => {
            await ingest.stop();
            await broker.stop();
          },
        };
      }

      const first = await startServer(db);
      const push = new ConfigPush(db, topics, first.publish);
      await push.push('pi-1', { clips: { preSeconds: 30 } }, 'admin');
      const latest = await push.push('pi-1', {}, 'admin');
      await push.push('pi-2', {}, 'admin');
      await db.updateTable('devices').set({ decommissioned_at: now }).where('id', '=', 'pi-2').execute();
      await first.stop();

      const second = await startServer(db);
      t.after(() => second.stop());
      assert.equal(await republishConfigs(db, topics, second.publish, quietLogger), 1);

      const device = await connectAsync(`mqtt://127.0.0.1:${port}`, {
        clientId: 'earshot-device-pi-1',
        username: 'pi-1',
        password,
        protocolVersion: 4,
        reconnectPeriod: 0,
      });
      t.after(() => device.endAsync(true));
      const retained: { topic: string; payload: string }[] = [];
      device.on('message', (topic, payload, packet) => {
        if (packet.retain) retained.push({ topic, payload: payload.toString('utf8') });
      });
      await device.subscribeAsync(topics.config('pi-1'), { qos: 1 });
      // A QoS 1 round trip after the subscription: retained messages come before its answer.
      await device.publishAsync(topics.heartbeat('pi-1'), '{}', { qos: 1 });
      assert.deepEqual(retained, [{ topic: topics.config('pi-1'), payload: JSON.stringify(latest) }]);
    });
  });
}
