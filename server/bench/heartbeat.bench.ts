import { createServer, connect as tcpConnect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { report } from '@earshot/test-kit/bench';
import { waitFor } from '@earshot/test-kit/processes';
import SQLite from 'better-sqlite3';
import { TransferRig } from '../test/support/transfer-rig.js';

/**
 * Heartbeat overhead per device: a real `earshot-device` process beats once a second through a
 * TCP proxy that counts the bytes of its MQTT connection both ways (PUBLISH with topic and
 * framing, and the broker's PUBACK). Bytes are read between the arrival of the 5th and the 25th
 * heartbeat at the server, when nothing else travels. TCP/IP headers are not counted (about
 * 2 x 52 bytes a beat without TLS). Per day at the default interval of 60 s: 1440 beats.
 */
const FROM = 5;
const BEATS = 20;
const DEFAULT_INTERVAL_SECONDS = 60;

const rig = await TransferRig.open('aedes');
try {
  await rig.prepare(['bench-hb']);
  await rig.startServer('a', { EARSHOT_TRANSCRIPTION__ENABLED: 'false' });
  let bytes = 0;
  const target = new URL(rig.mqttUrl);
  const proxy = createServer((device) => {
    const broker = tcpConnect(Number(target.port), target.hostname);
    device.on('data', (d: Buffer) => (bytes += d.length));
    broker.on('data', (d: Buffer) => (bytes += d.length));
    device.pipe(broker).pipe(device);
    device.on('error', () => broker.destroy());
    broker.on('error', () => device.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxyPort = (proxy.address() as AddressInfo).port;
  await rig.startDeviceProcess('bench-hb', {
    EARSHOT_MQTT__URL: `mqtt://127.0.0.1:${proxyPort}`,
    EARSHOT_MQTT__HEARTBEAT_SECONDS: '1',
  });
  const db = new SQLite(rig.dbUrl.slice('sqlite:'.length), { readonly: true });
  const beats = () =>
    (
      db.prepare(`select count(*) as n from device_heartbeat_history where device_id = 'bench-hb'`).get() as {
        n: number;
      }
    ).n;
  const bytesAt = (n: number) =>
    waitFor(`${n} heartbeats`, async () => (beats() >= n ? bytes : undefined), { intervalMs: 20, timeoutMs: 60_000 });
  const start = await bytesAt(FROM);
  const end = await bytesAt(FROM + BEATS);
  const payloads = db
    .prepare(`select heartbeat_json from device_heartbeat_history where device_id = 'bench-hb'`)
    .all() as { heartbeat_json: string }[];
  db.close();
  proxy.close();
  const perBeat = (end - start) / BEATS;
  const payload = payloads.reduce((sum, p) => sum + Buffer.byteLength(p.heartbeat_json), 0) / payloads.length;
  const perDay = (86_400 / DEFAULT_INTERVAL_SECONDS) * perBeat;
  report('heartbeat payload', payload, 'bytes');
  report('heartbeat on the MQTT connection (publish + puback)', perBeat, 'bytes');
  report('heartbeat overhead per device per day at 60 s', perDay, 'bytes/day');
} finally {
  await rig.close();
}
