import { report } from '@earshot/test-kit/bench';
import { freePort } from '@earshot/test-kit/ports';
import SQLite from 'better-sqlite3';
import { ApiTokens } from '../src/access/api-tokens.js';
import { Users } from '../src/access/users.js';
import { openDatabase } from '../src/db/database.js';
import { type BrokerKind, TransferRig } from '../test/support/transfer-rig.js';
import { ApiProbe } from './fleet/api-probe.js';
import { clipFloorCpuMs } from './fleet/clip-floor.js';
import { CuttableProxy } from './fleet/cuttable-proxy.js';
import { FleetSim, sleep } from './fleet/fleet-sim.js';
import { cpuMeter, percentile, RssSampler } from './fleet/process-meter.js';

/**
 * A fleet on one server: FLEET_DEVICES light devices (default 1,000; the real Outbox and Uplink,
 * each with its own credentials, all in this process) on the server's embedded broker and on a
 * private Mosquitto. Time runs 10x fast: heartbeats every 6 s instead of 60, alerts checked
 * every 6 s, reconnection backoff 1 s to 30 s. Presses: 1,000 stores x 50 a day, compressed
 * FLEET_PRESS_COMPRESSION times (default 20), 1 s clips. The server is the real binary with
 * SQLite; its CPU and RSS come from /proc. On this 2-core machine the devices, the broker and the
 * server share the CPU: the figures are costs, not capacities.
 *
 * Phases: (A) heartbeats only: server CPU per heartbeat; (B) presses too: server CPU per clip
 * (the heartbeats' share, from A, taken off) and put-to-complete; (C) the API under that load,
 * and 50 devices dropping at once and coming back; then one restart.
 */
const DEVICES = Number(process.env.FLEET_DEVICES ?? 1000);
const SECONDS = Number(process.env.FLEET_SECONDS ?? 150);
const COMPRESSION = Number(process.env.FLEET_PRESS_COMPRESSION ?? 20);
const HEARTBEAT_MS = 6000;
const CLIP_SECONDS = 1;
const PRESSES_PER_DAY = 50;
const OFFLINE_MINUTES = 0.2;
const HISTORY_HOURS = 168; // the default, for the bound
const DROPPED = Math.min(50, Math.floor(DEVICES / 2));
const DEADLINE_MS = 180_000;

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = DEADLINE_MS): Promise<T> {
  const start = performance.now();
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function run(kind: BrokerKind): Promise<void> {
  const name = (figure: string) => `fleet-${kind}-${DEVICES}dev-${figure}`;
  const rig = await TransferRig.open(kind);
  const ids = Array.from({ length: DEVICES }, (_, i) => `fleet-${i}`);
  const dropped = new Set(ids.slice(0, DROPPED));
  let proxy: CuttableProxy | undefined;
  let sim: FleetSim | undefined;
  let sqlite: SQLite.Database | undefined;
  try {
    await rig.prepare(ids);
    const db = await openDatabase(rig.dbUrl);
    const { user } = await new Users(db).upsert({ username: 'bench-admin', role: 'admin' });
    const { token } = await new ApiTokens(db).create(user.id, 'bench', 1);
    await db.destroy();
    const httpPort = await freePort();
    const env = {
      EARSHOT_HTTP__PORT: String(httpPort),
      EARSHOT_TRANSCRIPTION__ENABLED: 'false',
      EARSHOT_FLEET__CHECK_INTERVAL_SECONDS: String(HEARTBEAT_MS / 1000),
      EARSHOT_FLEET__OFFLINE_MINUTES: String(OFFLINE_MINUTES),
    };
    await rig.startServer('a', env, [], 180_000);
    const pid = () => rig.servers.get('a')?.child.pid ?? 0;
    proxy = await CuttableProxy.start(new URL(rig.mqttUrl));
    const proxyUrl = proxy.url;
    sim = await FleetSim.create(rig, ids, {
      heartbeatMs: HEARTBEAT_MS,
      reconnectMinMs: 1000,
      reconnectMaxMs: 30_000,
      clipSeconds: CLIP_SECONDS,
      urlFor: (id) => (dropped.has(id) ? proxyUrl : undefined),
    });
    sqlite = new SQLite(rig.dbUrl.slice('sqlite:'.length), { readonly: true });
    const db3 = sqlite;
    const count = (sql: string, ...params: unknown[]) => (db3.prepare(sql).get(...params) as { n: number }).n;
    const beats = () => count('select count(*) as n from device_heartbeat_history');
    await sim.start(10_000);
    const fleet = sim;
    await until('every device connected', () => fleet.connected() === DEVICES);
    await until(
      'every device online',
      () => count(`select count(*) as n from devices where state = 'online'`) >= DEVICES,
    );
    // Past the first heartbeats, which follow each connection.
    await sleep(HEARTBEAT_MS);

    const rss = new RssSampler(pid, 2000);
    const beatsAtStart = beats();
    const loadStart = performance.now();
    // (A) Heartbeats only.
    let cpu = cpuMeter(pid());
    let beatsBefore = beats();
    await sleep(SECONDS * 200);
    const cpuPerBeat = cpu() / (beats() - beatsBefore);
    report(name('server-cpu-per-heartbeat'), cpuPerBeat, 'ms');

    // (B) Presses too.
    const meanPressMs = 86_400_000 / PRESSES_PER_DAY / COMPRESSION;
    fleet.pressEvery(meanPressMs);
    await sleep(5000);
    cpu = cpuMeter(pid());
    beatsBefore = beats();
    const bStart = performance.now();
    const putBefore = new Set(fleet.putAt.keys());
    await sleep(SECONDS * 300);
    const bEnd = performance.now();
    const cpuB = cpu();
    const beatsB = beats() - beatsBefore;
    const clipsB = [...fleet.deliveredAt.values()].filter((at) => at >= bStart && at < bEnd).length;
    const floor = await clipFloorCpuMs(rig.dir, CLIP_SECONDS);
    report(name('clips-per-s'), (clipsB * 1000) / (bEnd - bStart), 'clips/s');
    report(name('server-cpu-per-clip'), (cpuB - beatsB * cpuPerBeat) / Math.max(1, clipsB), 'ms', {
      name: 'sha256+fsync+commit-floor',
      value: floor,
    });
    const latencies = [...fleet.putAt]
      .filter(([id, at]) => !putBefore.has(id) && at < bEnd - 10_000)
      .map(([id, at]) => (fleet.deliveredAt.get(id) ?? Number.POSITIVE_INFINITY) - at);
    report(name('put-to-complete-p50'), percentile(latencies, 50), 'ms');
    report(name('put-to-complete-p99'), percentile(latencies, 99), 'ms');

    // (C) The console under that load, and 50 devices dropping at once and coming back.
    const probe = new ApiProbe(`http://127.0.0.1:${httpPort}`, token, ['/api/v1/clips', '/api/v1/fleet'], 200);
    const cStart = performance.now();
    const list = [...dropped].map((id) => `'${id}'`).join(',');
    const openOffline = () =>
      count(
        `select count(*) as n from device_alerts where kind = 'offline' and resolved_at is null and device_id in (${list})`,
      );
    proxy.cut();
    const cutAt = performance.now();
    await until(`${DROPPED} offline alerts`, () => openOffline() === DROPPED);
    const raisedMs = performance.now() - cutAt;
    report(name(`alerts-raised-${DROPPED}-dropped`), raisedMs, 'ms', {
      name: 'offline-threshold',
      value: OFFLINE_MINUTES * 60_000,
    });
    const back = new Map<string, number>();
    const watch = setInterval(() => {
      for (const d of fleet.devices)
        if (dropped.has(d.deviceId) && d.uplink.connected && !back.has(d.deviceId))
          back.set(d.deviceId, performance.now());
    }, 50);
    proxy.restore();
    const restoredAt = performance.now();
    await until('offline alerts resolved', () => openOffline() === 0);
    clearInterval(watch);
    const resolvedAt = performance.now();
    report(name(`alerts-resolved-${DROPPED}-back`), resolvedAt - restoredAt, 'ms');
    report(name(`alerts-resolved-after-last-reconnect`), resolvedAt - Math.max(...back.values()), 'ms');
    await sleep(Math.max(0, SECONDS * 500 - (performance.now() - cStart)));
    await probe.stop();
    for (const [path, times] of probe.times) {
      report(name(`api-${path.split('/').pop() ?? path}-p50`), percentile(times, 50), 'ms');
      report(name(`api-${path.split('/').pop() ?? path}-p99`), percentile(times, 99), 'ms');
    }
    if (probe.failures.length > 0) throw new Error(`API failures:\n${probe.failures.slice(0, 10).join('\n')}`);
    rss.stop();
    const memory = rss.summary();
    report(name('server-rss-first'), memory.first, 'MB');
    report(name('server-rss-last'), memory.last, 'MB');
    report(name('server-rss-max'), memory.max, 'MB');
    report(name('server-rss-growth-second-half'), memory.secondHalfMbPerMin, 'MB/min');
    const loadMinutes = (performance.now() - loadStart) / 60_000;
    const rows = beats();
    const bytesPerRow = bytesPerHistoryRow(db3, rows);
    report(name('heartbeat-history-rows-per-min'), (rows - beatsAtStart) / loadMinutes, 'rows/min');
    // What pruning holds the history to: every device's beats over historyHours.
    const bound = (DEVICES * HISTORY_HOURS * 3_600_000) / HEARTBEAT_MS;
    report(name('heartbeat-history-bound-rows'), bound, 'rows');
    report(name('heartbeat-history-bound-size'), (bound * bytesPerRow) / 1e6, 'MB');

    // One restart: every device reconnects at once, with its jittered backoff.
    const before = new Set(fleet.putAt.keys());
    const restartAt = performance.now();
    // Devices reconnecting while the server starts are heard before it says it has started.
    const restartIso = new Date().toISOString();
    await rig.killServer('a');
    if (kind === 'mosquitto') await rig.mosquitto?.restart();
    await rig.startServer('a', env, [], 180_000);
    const upAt = performance.now();
    const held = fleet.undelivered().filter((id) => before.has(id) || fleet.putAt.get(id)! < upAt);
    await until('every device connected again', () => fleet.connected() === DEVICES);
    const connectedAt = performance.now();
    await until(
      'every device heard from',
      () => count('select count(*) as n from devices where last_seen_at >= ?', restartIso) >= DEVICES,
    );
    const heardAt = performance.now();
    await until('every held clip delivered', () => held.every((id) => fleet.deliveredAt.has(id)));
    const drainedAt = performance.now();
    report(name('restart-server-start'), upAt - restartAt, 'ms');
    report(name('restart-all-connected'), connectedAt - upAt, 'ms');
    report(name('restart-all-online'), heardAt - upAt, 'ms');
    report(name('restart-held-clips'), held.length, 'clips');
    report(name('restart-held-clips-delivered'), drainedAt - upAt, 'ms');
  } finally {
    await sim?.stop();
    await proxy?.close();
    sqlite?.close();
    await rig.close();
  }
}

/** The history's share of the database file, per row (a rough figure: pages over rows). */
function bytesPerHistoryRow(db: SQLite.Database, rows: number): number {
  try {
    const { n } = db
      .prepare(`select sum(pgsize) as n from dbstat where name like 'device_heartbeat_history%'`)
      .get() as { n: number };
    return n / rows;
  } catch {
    // SQLite built without dbstat: the payload's length stands in.
    const { n } = db.prepare('select avg(length(heartbeat_json)) + 40 as n from device_heartbeat_history').get() as {
      n: number;
    };
    return n;
  }
}

// A failure on one broker still lets the other's figures be measured; the exit code tells.
for (const kind of (process.env.BENCH_BROKERS?.split(',') ?? ['aedes', 'mosquitto']) as BrokerKind[]) {
  await run(kind).catch((error: unknown) => {
    process.exitCode = 1;
    process.stderr.write(`fleet-load on ${kind} failed: ${(error as Error).stack ?? String(error)}\n`);
  });
}
