import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Topics } from '@earshot/shared/protocol';
import { freePort } from '@earshot/test-kit/ports';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { EmbeddedBroker } from '../../src/broker/embedded-broker.js';
import { LoginThrottle } from '../../src/broker/login-throttle.js';
import { MqttAccounts } from '../../src/devices/mqtt-accounts.js';
import { DATABASE_KINDS, type TestDatabase, testDatabase } from '../support/databases.js';
import { LogCapture } from '../support/sim-device.js';

const topics = new Topics('earshot');

/**
 * The embedded broker (aedes) against clients holding valid credentials of the wrong account
 * (issue #14 items 1, 5 and 9): client ids are bound to accounts, only state topics keep
 * retained messages, and password guessing is throttled per username and address.
 */
for (const kind of DATABASE_KINDS) {
  describe(`embedded broker hardening (${kind})`, () => {
    let database: TestDatabase | undefined;
    let broker: EmbeddedBroker;
    let url: string;
    let clock = 1_000_000;
    const passwords: Record<string, string> = {};
    const clients: MqttClient[] = [];
    const log = new LogCapture();

    before(async (t) => {
      database = await testDatabase(t as never, kind);
      if (!database) return;
      const accounts = new MqttAccounts(database.db);
      for (const id of ['pi-1', 'pi-2']) passwords[id] = await accounts.issue(id, 'device');
      passwords['ingest-1'] = await accounts.issue('ingest-1', 'server');
      const port = await freePort();
      url = `mqtt://127.0.0.1:${port}`;
      broker = new EmbeddedBroker({
        host: '127.0.0.1',
        port,
        topics,
        maxMessageBytes: 256 * 1024,
        accounts,
        logger: log.logger,
        loginThrottle: new LoginThrottle({
          failuresPerLogin: 5,
          failuresPerAddress: 50,
          baseDelayMs: 60_000,
          maxDelayMs: 600_000,
          now: () => clock,
        }),
      });
      await broker.start();
    });

    after(async () => {
      for (const client of clients) await client.endAsync(true);
      await broker?.stop();
      await database?.close();
    });

    async function login(clientId: string, username: string, password: string, extra: IClientOptions = {}) {
      const client = await connectAsync(url, {
        clientId,
        username,
        password,
        protocolVersion: 4,
        reconnectPeriod: 0,
        ...extra,
      });
      clients.push(client);
      return client;
    }

    /** Counts how often `client` lost its connection. */
    function drops(client: MqttClient): () => number {
      let count = 0;
      client.on('close', () => count++);
      return () => count;
    }

    it("refuses a valid login that uses the server's or another device's client id, naming the account", async (t) => {
      if (!database) return t.skip('PostgreSQL unreachable');
      const server = await login('earshot-server', broker.internalLogin.username, broker.internalLogin.password);
      const device = await login('earshot-device-pi-1', 'pi-1', passwords['pi-1'] as string);
      const serverDrops = drops(server);
      const deviceDrops = drops(device);
      for (const stolen of ['earshot-server', 'earshot-server-host', 'earshot-device-pi-1', 'pi-1']) {
        await assert.rejects(login(stolen, 'pi-2', passwords['pi-2'] as string), /client id|Identifier/i, stolen);
      }
      // The holders still work: a QoS 1 round trip on each connection.
      await server.publishAsync(topics.ack('pi-1'), '{}', { qos: 1 });
      await device.publishAsync(topics.heartbeat('pi-1'), '{}', { qos: 1 });
      assert.equal(serverDrops(), 0, 'the server kept its session');
      assert.equal(deviceDrops(), 0, 'pi-1 kept its session');
      assert.ok(log.has(/"username":"pi-2".*session takeover/), 'the refusal names the account');
      // The accounts' own ids are fine.
      await login('earshot-device-pi-2', 'pi-2', passwords['pi-2'] as string);
      await login('earshot-doctor-pi-2-4242', 'pi-2', passwords['pi-2'] as string);
      await login('earshot-server-ingest-1', 'ingest-1', passwords['ingest-1'] as string);
    });

    it('keeps retained messages only on status and config topics', async (t) => {
      if (!database) return t.skip('PostgreSQL unreachable');
      const device = await login('earshot-device-pi-2', 'pi-2', passwords['pi-2'] as string);
      const parked = Buffer.alloc(100 * 1024, 7);
      const chunkTopic = topics.clipChunk('pi-2', '01HZZZZZZZZZZZZZZZZZZZZZZZ', 0);
      await device.publishAsync(chunkTopic, parked, { qos: 1, retain: true });
      await device.publishAsync(topics.status('pi-2'), JSON.stringify({ state: 'online' }), { qos: 1, retain: true });
      const reader = await login('earshot-server-reader', broker.internalLogin.username, broker.internalLogin.password);
      const retained: string[] = [];
      reader.on('message', (topic, _payload, packet) => {
        if (packet.retain) retained.push(topic);
      });
      await reader.subscribeAsync([topics.allClipMessages(), topics.status('pi-2')], { qos: 1 });
      // A QoS 1 round trip after the subscription: retained messages are sent before its SUBACK.
      await reader.publishAsync(topics.ack('pi-2'), '{}', { qos: 1 });
      assert.deepEqual(retained, [topics.status('pi-2')]);
      assert.ok(log.has(/retain flag dropped/));
    });

    it('throttles wrong passwords per username and address, not other accounts, and lets them in after the wait', async (t) => {
      if (!database) return t.skip('PostgreSQL unreachable');
      for (let i = 0; i < 5; i++) {
        await assert.rejects(
          login('earshot-device-pi-1', 'pi-1', 'wrong-password'),
          /Bad username or password|Not authorized/i,
        );
      }
      await assert.rejects(
        login('earshot-device-pi-1', 'pi-1', passwords['pi-1'] as string),
        /Bad username or password|Not authorized/i,
        'the right password waits too',
      );
      assert.ok(log.has(/"username":"pi-1".*too many failures/));
      await login('earshot-device-pi-2', 'pi-2', passwords['pi-2'] as string);
      clock += 60_000;
      await login('earshot-doctor-pi-1-1', 'pi-1', passwords['pi-1'] as string);
    });
  });
}
