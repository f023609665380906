import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { report } from '@earshot/test-kit/bench';
import { connect, type MqttClient } from 'mqtt';
import type { SimDevice } from '../test/support/sim-device.js';
import { makeClip } from '../test/support/test-clips.js';
import { type BrokerKind, TransferRig } from '../test/support/transfer-rig.js';

/**
 * End-to-end ingest: N simulated devices (real Outbox + Uplink). A clip counts when its device
 * has heard "complete", i.e. after the server staged every chunk, checked the sha256, stored the
 * audio and committed the row. Against the same broker in the same run: the same bytes, in the
 * same chunk size, published raw (QoS 1, the same in-flight window) from N clients to one
 * subscriber, which is the ceiling.
 *
 * Throughput (the issue's "from device publish to database commit and device acknowledgement"):
 * the outboxes are filled before the clock starts (writing and fsyncing a clip on the device is
 * the recorder's cost, not the transfer's), then every device is told of its clips at once and
 * the clock runs from those kicks (the first publishes follow at once) to the last "complete".
 *
 * Latency ("from the end of post-roll to complete at the device"): a separate run at a
 * realistic rate, each device pressing about every PRESS_MS (jittered, so the devices do not
 * march in step); a clip's time runs from the start of its outbox put to its "complete". In a
 * burst this figure would only restate the throughput (the queue's length divided by it).
 */
const DEVICES = 10;
const CLIPS = 5;
const SECONDS = 4; // 16 kHz mono: 128 KB a clip
const CHUNK = 32 * 1024;
const INFLIGHT = 8;
const PRESS_MS = Number(process.env.BENCH_PRESS_MS ?? 500);
const LATENCY_PRESSES = 12;
/** E.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the server processes. */
const SERVER_NODE_ARGS = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];

interface Fleet {
  rig: TransferRig;
  devices: SimDevice[];
  /** clip id -> when its device heard "complete" (performance.now()). */
  delivered: Map<string, number>;
  /** Resolves once `n` clips have been delivered in all. */
  deliveredCount: (n: number) => Promise<void>;
}

/** A rig with `instances` servers and DEVICES connected devices with empty outboxes. */
async function fleet(kind: BrokerKind, instances: number): Promise<Fleet> {
  const rig = await TransferRig.open(kind);
  const ids = Array.from({ length: DEVICES }, (_, i) => `bench-${i}`);
  const names = Array.from({ length: instances }, (_, i) => `i${i}`);
  await rig.prepare(ids, names);
  // Transcription off: the issue's figure is ingest alone, and pocketsphinx on every stored clip
  // would take the 2 cores from it (BENCH_TRANSCRIBE=1 to include it).
  const env = {
    EARSHOT_TRANSCRIPTION__ENABLED: process.env.BENCH_TRANSCRIBE === '1' ? 'true' : 'false',
    ...(instances > 1 ? { EARSHOT_MQTT__SHARED_GROUP: 'bench' } : {}),
  };
  for (const name of names) await rig.startServer(name, env, SERVER_NODE_ARGS);
  const delivered = new Map<string, number>();
  const waiters: { n: number; resolve: () => void }[] = [];
  const devices: SimDevice[] = [];
  for (const id of ids) {
    devices.push(
      await rig.device(id, {
        publishesPerSecond: 100_000,
        inflight: INFLIGHT,
        onDelivered: (clipId) => {
          delivered.set(clipId, performance.now());
          for (const w of waiters) if (delivered.size >= w.n) w.resolve();
        },
      }),
    );
  }
  for (const device of devices) device.start();
  await Promise.all(devices.map((d) => until(() => d.uplink.connected)));
  // Past the announcement and the first (empty) drain that follow each connection.
  await sleep(500);
  const deliveredCount = (n: number) =>
    new Promise<void>((resolve) => (delivered.size >= n ? resolve() : waiters.push({ n, resolve })));
  return { rig, devices, delivered, deliveredCount };
}

async function throughput(
  kind: BrokerKind,
  instances = 1,
): Promise<{ seconds: number; bytes: number; serverCpuMs: number; deviceCpuMs: number; brokerCpuMs: number }> {
  const { rig, devices, deliveredCount } = await fleet(kind, instances);
  try {
    const clips = devices.map(() => Array.from({ length: CLIPS }, () => makeClip(SECONDS)));
    const bytes = clips.flat().reduce((sum, c) => sum + c.audio.length, 0);
    // Untimed: the clips wait in the outboxes, unannounced (no kick, so no drain yet).
    await Promise.all(
      devices.map(async (device, i) => {
        for (const { meta, audio } of clips[i] ?? []) await device.outbox.put(meta, audio);
      }),
    );
    const servers = [...rig.servers.values()].map((s) => s.child.pid ?? 0);
    const serverCpu = cpuMeter(servers);
    const brokerCpu = cpuMeter(rig.mosquitto ? [rig.mosquitto.process.child.pid ?? 0] : []);
    const deviceCpu = cpuMeter([], true);
    const start = performance.now();
    devices.forEach((device, i) => {
      for (const { meta } of clips[i] ?? []) device.uplink.kick(meta.clipId);
    });
    await deliveredCount(DEVICES * CLIPS);
    const seconds = (performance.now() - start) / 1000;
    return { seconds, bytes, serverCpuMs: serverCpu(), brokerCpuMs: brokerCpu(), deviceCpuMs: deviceCpu() };
  } finally {
    await rig.close();
  }
}

/** Put-to-complete times (ms) with each device pressing about every PRESS_MS. */
async function latency(kind: BrokerKind): Promise<number[]> {
  const { rig, devices, delivered, deliveredCount } = await fleet(kind, 1);
  try {
    const putAt = new Map<string, number>();
    await Promise.all(
      devices.map(async (device) => {
        await sleep(Math.random() * PRESS_MS);
        for (let press = 0; press < LATENCY_PRESSES; press++) {
          const { meta, audio } = makeClip(SECONDS);
          const pressed = performance.now();
          putAt.set(meta.clipId, pressed);
          await device.outbox.put(meta, audio);
          device.uplink.kick(meta.clipId);
          await sleep(Math.max(0, PRESS_MS * (0.5 + Math.random()) - (performance.now() - pressed)));
        }
      }),
    );
    await deliveredCount(DEVICES * LATENCY_PRESSES);
    return [...putAt].map(([clipId, at]) => (delivered.get(clipId) ?? Number.NaN) - at);
  } finally {
    await rig.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(20);
}

async function raw(kind: BrokerKind, bytes: number): Promise<{ bytesPerSecond: number; cpuMs: number }> {
  const rig = await TransferRig.open(kind);
  const clients: MqttClient[] = [];
  try {
    const names = Array.from({ length: DEVICES }, (_, i) => `raw-${i}`);
    await rig.prepare(
      [],
      ['a', 'sink', ...names],
      `\nuser server-sink\ntopic read bench/#\n${names.map((n) => `user server-${n}\ntopic write bench/#\n`).join('')}`,
    );
    if (kind === 'aedes') await rig.startServer();
    const open = async (name: string) => {
      const client = connect(rig.mqttUrl, {
        username: `server-${name}`,
        password: rig.password(`server-${name}`),
        clientId: `bench-${name}`,
        protocolVersion: kind === 'aedes' ? 4 : 5,
        reconnectPeriod: 0,
      });
      clients.push(client);
      await new Promise((resolve, reject) => client.once('connect', resolve).once('error', reject));
      return client;
    };
    const sink = await open('sink');
    await sink.subscribeAsync('bench/#', { qos: 1 });
    const publishers = await Promise.all(names.map(open));
    const perClient = Math.ceil(bytes / DEVICES / CHUNK);
    const payload = Buffer.alloc(CHUNK, 7);
    let received = 0;
    const target = perClient * DEVICES * CHUNK;
    const got = new Promise<void>((resolve) =>
      sink.on('message', (_t, p) => {
        received += p.length;
        if (received >= target) resolve();
      }),
    );
    const broker = kind === 'aedes' ? rig.servers.get('a') : rig.mosquitto?.process;
    const cpu = cpuMeter([broker?.child.pid ?? 0], true);
    const start = performance.now();
    await Promise.all(
      publishers.map(async (client, i) => {
        let next = 0;
        const worker = async () => {
          while (next < perClient) {
            const n = next++;
            await client.publishAsync(`bench/${i}/${n}`, payload, { qos: 1 });
          }
        };
        await Promise.all(Array.from({ length: INFLIGHT }, worker));
      }),
    );
    await got;
    return { bytesPerSecond: target / ((performance.now() - start) / 1000), cpuMs: cpu() };
  } finally {
    for (const client of clients) client.end(true);
    await rig.close();
  }
}

/**
 * CPU time (user + system) a process has used, in ms, from /proc (Linux). Unlike wall time it
 * hardly depends on what else the machine is doing, so it shows the cost of a change on a busy
 * machine too.
 */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** Starts counting the CPU of `pids` (and of this process); the returned function reads the ms used since. */
function cpuMeter(pids: number[], self = false): () => number {
  const before = pids.map(cpuMsOf);
  const selfBefore = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(selfBefore);
    const own = self ? (used.user + used.system) / 1000 : 0;
    return pids.reduce((sum, pid, i) => sum + cpuMsOf(pid) - (before[i] ?? 0), own);
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

for (const kind of (process.env.BENCH_BROKERS?.split(',') ?? ['aedes', 'mosquitto']) as BrokerKind[]) {
  const e2e = await throughput(kind);
  const rawRun = await raw(kind, e2e.bytes);
  const mb = (n: number) => n / 1e6;
  const clips = DEVICES * CLIPS;
  const rawThroughput = { name: `raw-${kind}-qos1-same-bytes`, value: mb(rawRun.bytesPerSecond) };
  report(`ingest-${kind}-${DEVICES}dev-clips-per-s`, clips / e2e.seconds, 'clips/s');
  report(`ingest-${kind}-${DEVICES}dev-throughput`, mb(e2e.bytes / e2e.seconds), 'MB/s', rawThroughput);
  // Where the CPU goes (the broker's share is in the server's figure with aedes), and all of it
  // against what the raw run spent (broker, publishers, subscriber) on the same bytes.
  report(`ingest-${kind}-server-cpu-per-clip`, e2e.serverCpuMs / clips, 'ms');
  report(`ingest-${kind}-devices-cpu-per-clip`, e2e.deviceCpuMs / clips, 'ms');
  report(`ingest-${kind}-cpu-per-clip`, (e2e.serverCpuMs + e2e.brokerCpuMs + e2e.deviceCpuMs) / clips, 'ms', {
    name: `raw-${kind}-qos1-cpu-same-bytes`,
    value: rawRun.cpuMs / clips,
  });
  const latencies = await latency(kind);
  const rate = `${DEVICES}dev-every-${PRESS_MS}ms`;
  report(`ingest-${kind}-put-to-complete-p50-${rate}`, percentile(latencies, 50), 'ms');
  report(`ingest-${kind}-put-to-complete-p99-${rate}`, percentile(latencies, 99), 'ms');
  if (kind === 'mosquitto') {
    // Scale-out: the same load on two instances sharing one subscription.
    const shared = await throughput(kind, 2);
    report(`ingest-${kind}-2-instances-throughput`, mb(shared.bytes / shared.seconds), 'MB/s', rawThroughput);
  }
}
