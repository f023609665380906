import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { report } from '@earshot/test-kit/bench';
import { connect, type MqttClient } from 'mqtt';
import { type BrokerKind, makeClip, type SimDevice, TransferRig } from '../test/support/transfer-rig.js';

/**
 * End-to-end ingest: N simulated devices (real Outbox + Uplink) each put CLIPS clips in their
 * outbox at once; a clip counts when its device has heard "complete", i.e. after the server
 * staged every chunk, checked the sha256, stored the audio and committed the row. Against the
 * same broker in the same run: the same bytes, in the same chunk size, published raw (QoS 1,
 * the same in-flight window) from N clients to one subscriber, which is the ceiling.
 */
const DEVICES = 10;
const CLIPS = 5;
const SECONDS = 4; // 16 kHz mono: 128 KB a clip
const CHUNK = 32 * 1024;
const INFLIGHT = 8;

async function endToEnd(
  kind: BrokerKind,
  instances = 1,
): Promise<{
  seconds: number;
  bytes: number;
  latencies: number[];
  serverCpuMs: number;
  deviceCpuMs: number;
  brokerCpuMs: number;
}> {
  const rig = await TransferRig.open(kind);
  try {
    const ids = Array.from({ length: DEVICES }, (_, i) => `bench-${i}`);
    const names = Array.from({ length: instances }, (_, i) => `i${i}`);
    await rig.prepare(ids, names);
    for (const name of names) {
      await rig.startServer(name, instances > 1 ? { EARSHOT_MQTT__SHARED_GROUP: 'bench' } : {});
    }
    const putAt = new Map<string, number>();
    const latencies: number[] = [];
    let done = 0;
    let finished: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (finished = resolve));
    const devices: SimDevice[] = [];
    for (const id of ids) {
      devices.push(
        await rig.device(id, {
          publishesPerSecond: 100_000,
          inflight: INFLIGHT,
          onDelivered: (clipId) => {
            latencies.push(performance.now() - (putAt.get(clipId) ?? Number.NaN));
            if (++done === DEVICES * CLIPS) finished();
          },
        }),
      );
    }
    for (const device of devices) device.start();
    await Promise.all(
      devices.map(
        (d) =>
          new Promise<void>((resolve) => {
            const poll = () => (d.uplink.connected ? resolve() : setTimeout(poll, 20));
            poll();
          }),
      ),
    );
    const clips = devices.map(() => Array.from({ length: CLIPS }, () => makeClip(SECONDS)));
    const bytes = clips.flat().reduce((sum, c) => sum + c.audio.length, 0);
    const servers = [...rig.servers.values()].map((s) => s.child.pid ?? 0);
    const serverCpu = cpuMeter(servers);
    const brokerCpu = cpuMeter(rig.mosquitto ? [rig.mosquitto.process.child.pid ?? 0] : []);
    const deviceCpu = cpuMeter([], true);
    const start = performance.now();
    await Promise.all(
      devices.map(async (device, i) => {
        for (const { meta, audio } of clips[i] ?? []) {
          putAt.set(meta.clipId, performance.now());
          await device.outbox.put(meta, audio);
          device.uplink.kick(meta.clipId);
        }
      }),
    );
    await all;
    const seconds = (performance.now() - start) / 1000;
    return {
      seconds,
      bytes,
      latencies,
      serverCpuMs: serverCpu(),
      brokerCpuMs: brokerCpu(),
      deviceCpuMs: deviceCpu(),
    };
  } finally {
    await rig.close();
  }
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
  const e2e = await endToEnd(kind);
  const rawRun = await raw(kind, e2e.bytes);
  const mb = (n: number) => n / 1e6;
  const clips = DEVICES * CLIPS;
  const rawThroughput = { name: `raw-${kind}-qos1-same-bytes`, value: mb(rawRun.bytesPerSecond) };
  report(`ingest-${kind}-${DEVICES}dev-clips-per-s`, clips / e2e.seconds, 'clips/s');
  report(`ingest-${kind}-${DEVICES}dev-throughput`, mb(e2e.bytes / e2e.seconds), 'MB/s', rawThroughput);
  report(`ingest-${kind}-put-to-complete-p50`, percentile(e2e.latencies, 50), 'ms');
  report(`ingest-${kind}-put-to-complete-p99`, percentile(e2e.latencies, 99), 'ms');
  // Where the CPU goes (the broker's share is in the server's figure with aedes), and all of it
  // against what the raw run spent (broker, publishers, subscriber) on the same bytes.
  report(`ingest-${kind}-server-cpu-per-clip`, e2e.serverCpuMs / clips, 'ms');
  report(`ingest-${kind}-devices-cpu-per-clip`, e2e.deviceCpuMs / clips, 'ms');
  report(`ingest-${kind}-cpu-per-clip`, (e2e.serverCpuMs + e2e.brokerCpuMs + e2e.deviceCpuMs) / clips, 'ms', {
    name: `raw-${kind}-qos1-cpu-same-bytes`,
    value: rawRun.cpuMs / clips,
  });
  if (kind === 'mosquitto') {
    // Scale-out: the same load on two instances sharing one subscription.
    const shared = await endToEnd(kind, 2);
    report(`ingest-${kind}-2-instances-throughput`, mb(shared.bytes / shared.seconds), 'MB/s', rawThroughput);
  }
}
