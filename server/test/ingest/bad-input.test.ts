import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ClipAck, decoders } from '@earshot/shared/protocol';
import { waitFor } from '@earshot/test-kit/processes';
import { connect, type MqttClient } from 'mqtt';
import { makeClip, sha256 } from '../support/test-clips.js';
import { BROKERS, topics, type TransferRig, TransferRig as Rig } from '../support/transfer-rig.js';

const CHUNK = 32 * 1024;

let rawDevices = 0;

/**
 * A hand-driven device: publishes whatever the test says, collects the server's answers. Its
 * client id is one its account owns (a doctor's), so it takes no session from the device's own.
 */
async function rawDevice(rig: TransferRig, deviceId: string, password = rig.password(deviceId)) {
  const client = connect(rig.mqttUrl, {
    clientId: `earshot-doctor-${deviceId}-${++rawDevices}`,
    username: deviceId,
    password,
    reconnectPeriod: 0,
    protocolVersion: 4,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  const acks: ClipAck[] = [];
  client.on('message', (_topic, payload) => acks.push(decoders.clipAck.decode(payload)));
  await client.subscribeAsync(topics.ack(deviceId), { qos: 1 });
  const answer = (clipId: string, count = 1) =>
    waitFor(`answer ${count} about ${clipId}`, async () => {
      const about = acks.filter((a) => a.clipId === clipId);
      return about.length >= count ? about[count - 1] : undefined;
    });
  return { client, acks, answer };
}

async function refusedLogin(rig: TransferRig, username: string, password: string): Promise<string> {
  const client: MqttClient = connect(rig.mqttUrl, { username, password, reconnectPeriod: 0, protocolVersion: 4 });
  const message = await new Promise<string>((resolve) => {
    client.once('connect', () => resolve('connected'));
    client.once('error', (error) => resolve(error.message));
  });
  client.end(true);
  return message;
}

async function brokerOrServerLog(rig: TransferRig, pattern: RegExp): Promise<void> {
  await waitFor(`log line ${pattern}`, async () => {
    const text = rig.kind === 'aedes' ? (rig.servers.get('a')?.output() ?? '') : ((await rig.mosquitto?.log()) ?? '');
    return pattern.test(text) ? true : undefined;
  });
}

describe('bad input is refused, logged, and loses nothing', () => {
  for (const kind of BROKERS) {
    it(`${kind}`, async (t) => {
      const rig = await Rig.create(t, kind);
      if (!rig) return;
      await rig.prepare(['dev-1', 'dev-2']);
      const server = await rig.startServer();
      const dev = await rawDevice(rig, 'dev-1');
      const pub = (topic: string, payload: Buffer | string) => dev.client.publishAsync(topic, payload, { qos: 1 });
      const serverLog = (pattern: RegExp) => server.waitForLine(pattern, 10_000);

      // An accepted, half-sent clip that must survive everything below.
      const kept = makeClip(3);
      const keptInit = { ...kept.meta, size: kept.audio.length, sha256: sha256(kept.audio), chunkSize: CHUNK };
      await pub(topics.clipInit('dev-1', kept.meta.clipId), JSON.stringify(keptInit));
      await pub(topics.clipChunk('dev-1', kept.meta.clipId, 0), kept.audio.subarray(0, CHUNK));

      // Duplicate and out-of-order chunks: stored once, intact.
      const shuffled = makeClip(4);
      const id1 = shuffled.meta.clipId;
      const init1 = { ...shuffled.meta, size: shuffled.audio.length, sha256: sha256(shuffled.audio), chunkSize: CHUNK };
      await pub(topics.clipInit('dev-1', id1), JSON.stringify(init1));
      const offsets: number[] = [];
      for (let at = 0; at < shuffled.audio.length; at += CHUNK) offsets.push(at);
      for (const at of [...offsets.reverse(), offsets[0] as number, offsets[1] as number]) {
        await pub(topics.clipChunk('dev-1', id1, at), shuffled.audio.subarray(at, at + CHUNK));
      }
      await pub(topics.clipFin('dev-1', id1), JSON.stringify({ size: init1.size, sha256: init1.sha256 }));
      assert.equal((await dev.answer(id1)).status, 'complete');

      // A corrupted chunk: the sha256 check fails, the whole clip is asked for again, then stored.
      const bent = makeClip(2);
      const id2 = bent.meta.clipId;
      const init2 = { ...bent.meta, size: bent.audio.length, sha256: sha256(bent.audio), chunkSize: CHUNK };
      const corrupted = Buffer.from(bent.audio);
      corrupted[CHUNK + 100] = (corrupted[CHUNK + 100] ?? 0) ^ 0xff;
      const sendAll = async (audio: Buffer) => {
        for (let at = 0; at < audio.length; at += CHUNK) {
          await pub(topics.clipChunk('dev-1', id2, at), audio.subarray(at, at + CHUNK));
        }
        await pub(topics.clipFin('dev-1', id2), JSON.stringify({ size: init2.size, sha256: init2.sha256 }));
      };
      await pub(topics.clipInit('dev-1', id2), JSON.stringify(init2));
      await sendAll(corrupted);
      const retry = await dev.answer(id2);
      assert.deepEqual(retry, { clipId: id2, status: 'incomplete', missing: [[0, init2.size]] });
      await serverLog(/sha256 mismatch/);
      await sendAll(bent.audio);
      assert.equal((await dev.answer(id2, 2)).status, 'complete');

      // Offsets out of range or misaligned.
      await pub(topics.clipChunk('dev-1', kept.meta.clipId, keptInit.size + CHUNK), Buffer.alloc(10));
      await pub(topics.clipChunk('dev-1', kept.meta.clipId, 100), Buffer.alloc(10));
      await serverLog(/chunk outside the clip or of the wrong length dropped/);

      // Malformed JSON and a schema violation.
      const bad = makeClip(1).meta.clipId;
      await pub(topics.clipInit('dev-1', bad), '{"clipId": ');
      assert.equal((await dev.answer(bad)).status, 'rejected');
      await serverLog(/malformed JSON/);
      const bad2 = makeClip(1).meta.clipId;
      await pub(topics.clipFin('dev-1', bad2), JSON.stringify({ size: -1, sha256: 'x' }));
      assert.equal((await dev.answer(bad2)).status, 'rejected');

      // Oversized: refused by the broker (aedes: our authorizePublish; Mosquitto: message_size_limit).
      // aedes drops the connection of a client whose publish it refuses: use throwaway ones.
      const big = await rawDevice(rig, 'dev-1');
      big.client.publish(topics.clipChunk('dev-1', kept.meta.clipId, 0), Buffer.alloc(300 * 1024), { qos: 1 });
      await brokerOrServerLog(rig, kind === 'aedes' ? /oversized message refused/ : /Dropped too large PUBLISH/);
      big.client.end(true);

      // Topic spoofing: dev-1 writing as dev-2.
      const spoofer = await rawDevice(rig, 'dev-1');
      spoofer.client.publish(topics.clipFin('dev-2', makeClip(1).meta.clipId), '{}', { qos: 1 });
      await brokerOrServerLog(rig, kind === 'aedes' ? /topic spoofing/ : /Denied PUBLISH from .* 'earshot\/v1\/dev-2/);
      spoofer.client.end(true);

      // Unknown device and wrong password: refused at login.
      assert.match(await refusedLogin(rig, 'dev-9', 'whatever'), /Connection refused/);
      assert.match(await refusedLogin(rig, 'dev-2', 'wrong'), /Connection refused/);
      await brokerOrServerLog(rig, kind === 'aedes' ? /MQTT login refused/ : /not authorised/);

      // The server still works, and the half-sent clip is still staged: finish it.
      assert.equal(server.child.exitCode, null, 'server still running');
      for (let at = CHUNK; at < kept.audio.length; at += CHUNK) {
        await pub(topics.clipChunk('dev-1', kept.meta.clipId, at), kept.audio.subarray(at, at + CHUNK));
      }
      await pub(
        topics.clipFin('dev-1', kept.meta.clipId),
        JSON.stringify({ size: keptInit.size, sha256: keptInit.sha256 }),
      );
      assert.equal((await dev.answer(kept.meta.clipId)).status, 'complete');
      dev.client.end(true);

      const stored = rig.storedClips();
      assert.deepEqual(stored.map((c) => c.id).sort(), [id1, id2, kept.meta.clipId].sort());
      assert.equal(stored.find((c) => c.id === id1)?.sha256, init1.sha256);
      assert.deepEqual(await rig.storageProblems([]), []);
    });
  }
});
