import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Outbox } from '@earshot/device/outbox';
import { Uplink, type UplinkOptions } from '@earshot/device/uplink';
import { Topics } from '@earshot/shared/protocol';
import { startPrivateMosquitto, type PrivateMosquitto } from '@earshot/test-kit/mosquitto';
import { freePort } from '@earshot/test-kit/ports';
import { BIN, type RunningProcess, startProcess, waitFor } from '@earshot/test-kit/processes';
import { requireService } from '@earshot/test-kit/services';
import { tempDir } from '@earshot/test-kit/temp-dir';
import SQLite from 'better-sqlite3';
import { openDatabase } from '../../src/db/database.js';
import { mosquittoAclFile, mosquittoPasswordFile } from '../../src/devices/mosquitto-files.js';
import { MqttAccounts } from '../../src/devices/mqtt-accounts.js';
import { LogCapture, SimDevice } from './sim-device.js';
import { SIM_DEVICE_TRANSFER, simDeviceHandlers } from './sim-device-handlers.js';
import { noiseWav, sha256 } from './test-clips.js';

export type BrokerKind = 'aedes' | 'mosquitto';
export const BROKERS: BrokerKind[] = ['aedes', 'mosquitto'];

const ROOT = 'earshot';
export const topics = new Topics(ROOT);

export interface StoredClip {
  id: string;
  device_id: string;
  sha256: string;
  size: number;
  storage_key: string;
}

/**
 * One broker (the server's embedded aedes, or a private Mosquitto), server processes started
 * from the real binary against one SQLite file, and light simulated devices: the real Outbox and
 * Uplink classes in this process, fed pre-made WAV clips. Accounts are issued before the
 * broker starts, so Mosquitto's password and ACL files hold them.
 */
export class TransferRig {
  readonly dbUrl: string;
  readonly servers = new Map<string, RunningProcess>();
  readonly devices: SimDevice[] = [];
  readonly deviceProcesses: RunningProcess[] = [];
  mosquitto: PrivateMosquitto | undefined;
  private readonly passwords = new Map<string, string>();
  private mqttPort = 0;
  private db: SQLite.Database | undefined;

  private constructor(
    readonly kind: BrokerKind,
    readonly dir: string,
  ) {
    this.dbUrl = `sqlite:${join(dir, 'earshot.db')}`;
  }

  /** Undefined when the test was skipped (Mosquitto missing outside CI). */
  static async create(t: TestContext, kind: BrokerKind): Promise<TransferRig | undefined> {
    if (kind === 'mosquitto') {
      const { access } = await import('node:fs/promises');
      const ok = await requireService(t, 'mosquitto binary', () => access('/usr/sbin/mosquitto'));
      if (!ok) return undefined;
    }
    const rig = await TransferRig.open(kind);
    t.after(() => rig.close());
    return rig;
  }

  /** A rig outside a test (benchmarks): `close()` stops everything and removes its directory. */
  static async open(kind: BrokerKind): Promise<TransferRig> {
    const dir = await tempDir('earshot-transfer-');
    const rig = new TransferRig(kind, dir.path);
    rig.removeDir = dir.remove;
    return rig;
  }

  private removeDir: () => Promise<void> = async () => undefined;

  /** Issues device and server accounts, then starts the broker (Mosquitto) or picks its port (aedes). */
  async prepare(deviceIds: string[], serverNames: string[] = ['a'], extraAcl = ''): Promise<void> {
    const db = await openDatabase(this.dbUrl);
    try {
      const accounts = new MqttAccounts(db);
      for (const id of deviceIds) this.passwords.set(id, await accounts.issue(id, 'device'));
      for (const name of serverNames)
        this.passwords.set(`server-${name}`, await accounts.issue(`server-${name}`, 'server'));
      if (this.kind === 'mosquitto') {
        const live = await accounts.list();
        await mkdir(join(this.dir, 'mosquitto'), { recursive: true });
        this.mosquitto = await startPrivateMosquitto({
          dir: join(this.dir, 'mosquitto'),
          passwordFile: mosquittoPasswordFile(live),
          aclFile: mosquittoAclFile(topics, live) + extraAcl,
          messageSizeLimit: 200 * 1024,
        });
        this.mqttPort = this.mosquitto.port;
      } else {
        this.mqttPort = await freePort();
      }
    } finally {
      await db.destroy();
    }
  }

  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.mqttPort}`;
  }

  password(username: string): string {
    const password = this.passwords.get(username);
    if (password === undefined) throw new Error(`no account ${username} issued`);
    return password;
  }

  /**
   * Starts (or restarts) server instance `name` and waits until it is ingesting. `nodeArgs` go
   * to node before the script (e.g. `--cpu-prof`, which NODE_OPTIONS does not accept).
   * `startTimeoutMs`: longer for a benchmark run under `nice` on a busy machine.
   */
  async startServer(
    name = 'a',
    env: NodeJS.ProcessEnv = {},
    nodeArgs: string[] = [],
    startTimeoutMs = 30_000,
  ): Promise<RunningProcess> {
    const common: NodeJS.ProcessEnv = {
      EARSHOT_DATA_DIR: this.dir,
      EARSHOT_DATABASE__URL: this.dbUrl,
      EARSHOT_HTTP__PORT: '0',
      EARSHOT_LOG_LEVEL: 'info',
      EARSHOT_MQTT__ROOT: ROOT,
      EARSHOT_MQTT__MAX_MESSAGE_BYTES: String(200 * 1024),
    };
    const mode: NodeJS.ProcessEnv =
      this.kind === 'aedes'
        ? { EARSHOT_MQTT__EMBEDDED: 'true', EARSHOT_MQTT__HOST: '127.0.0.1', EARSHOT_MQTT__PORT: String(this.mqttPort) }
        : {
            EARSHOT_MQTT__EMBEDDED: 'false',
            EARSHOT_MQTT__URL: this.mqttUrl,
            EARSHOT_MQTT__USERNAME: `server-${name}`,
            EARSHOT_MQTT__PASSWORD: this.password(`server-${name}`),
            EARSHOT_MQTT__CLIENT_ID: `earshot-server-${name}`,
            EARSHOT_MQTT__PROTOCOL_VERSION: '5',
          };
    const server = startProcess(process.execPath, [...nodeArgs, BIN.server], { env: { ...common, ...mode, ...env } });
    this.servers.set(name, server);
    await server.waitForLine(/earshot server started/, startTimeoutMs);
    return server;
  }

  async killServer(name = 'a'): Promise<void> {
    const server = this.servers.get(name);
    if (!server) return;
    server.child.kill('SIGKILL');
    await server.exited;
  }

  /** A device made of the real Outbox and Uplink; `start()` connects it. */
  async device(deviceId: string, options: Partial<UplinkOptions> & { quotaBytes?: number } = {}): Promise<SimDevice> {
    const log = new LogCapture();
    const outbox = new Outbox(join(this.dir, 'devices', deviceId), log.logger.child({ component: 'outbox' }), {
      quotaBytes: options.quotaBytes,
    });
    await mkdir(join(this.dir, 'devices', deviceId), { recursive: true });
    await outbox.open();
    const uplink = new Uplink({
      url: this.mqttUrl,
      deviceId,
      topics,
      username: deviceId,
      password: this.password(deviceId),
      ...SIM_DEVICE_TRANSFER,
      reconnectMinMs: 100,
      reconnectMaxMs: 1000,
      outbox,
      logger: log.logger.child({ component: 'uplink' }),
      ...simDeviceHandlers(outbox),
      ...options,
    });
    const device = new SimDevice(deviceId, outbox, uplink, log);
    this.devices.push(device);
    return device;
  }

  /**
   * The real `earshot-device` binary with an unpaced-free file source (48 kHz stereo noise, so a
   * clip of a few seconds is hundreds of KB) and its state in `stateDir`; `env` overrides config.
   */
  async startDeviceProcess(
    deviceId: string,
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ process: RunningProcess; httpPort: number }> {
    const wav = join(this.dir, 'noise-48k-stereo.wav');
    const { existsSync } = await import('node:fs');
    if (!existsSync(wav)) {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(wav, noiseWav(48000, 2, 20));
    }
    const httpPort = await freePort();
    const device = startProcess(process.execPath, [BIN.device], {
      env: {
        EARSHOT_DEVICE_ID: deviceId,
        EARSHOT_STATE_DIR: join(this.dir, 'device-processes', deviceId),
        EARSHOT_LOG_LEVEL: 'info',
        EARSHOT_AUDIO__SOURCE: JSON.stringify({ type: 'file', path: wav, loop: true, pace: 'realtime' }),
        EARSHOT_AUDIO__SAMPLE_RATE: '48000',
        EARSHOT_AUDIO__CHANNELS: '2',
        EARSHOT_AUDIO__BUFFER_SECONDS: '30',
        EARSHOT_CLIPS__PRE_SECONDS: '4',
        EARSHOT_CLIPS__POST_SECONDS: '0.2',
        // WAV: a transfer of many chunks to interrupt (Opus would make this clip a single chunk).
        EARSHOT_CLIPS__FORMAT: 'wav',
        EARSHOT_MQTT__URL: this.mqttUrl,
        EARSHOT_MQTT__ROOT: ROOT,
        EARSHOT_MQTT__USERNAME: deviceId,
        EARSHOT_MQTT__PASSWORD: this.password(deviceId),
        EARSHOT_MQTT__RECONNECT_MIN_SECONDS: '0.1',
        EARSHOT_MQTT__RECONNECT_MAX_SECONDS: '1',
        EARSHOT_MQTT__ACK_TIMEOUT_SECONDS: '3',
        EARSHOT_HTTP__PORT: String(httpPort),
        ...env,
      },
    });
    this.deviceProcesses.push(device);
    await device.waitForLine(/device started/, 30_000);
    return { process: device, httpPort };
  }

  /** Clips in the database, read with a connection of our own. */
  storedClips(): StoredClip[] {
    this.db ??= new SQLite(this.dbUrl.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    return this.db
      .prepare('select id, device_id, sha256, size, storage_key from clips order by id')
      .all() as StoredClip[];
  }

  stagedChunks(): number {
    this.db ??= new SQLite(this.dbUrl.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    return (this.db.prepare('select count(*) as n from transfer_chunks').get() as { n: number }).n;
  }

  /** Waits until every one of `clipIds` is stored, then checks none is stored twice or altered. */
  async waitForStored(expected: Map<string, string>, timeoutMs = 120_000): Promise<StoredClip[]> {
    try {
      return await waitFor(
        `${expected.size} clips stored`,
        async () => {
          const rows = this.storedClips();
          return [...expected.keys()].every((id) => rows.some((r) => r.id === id)) ? rows : undefined;
        },
        { timeoutMs, intervalMs: 200 },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${this.diagnostics()}`, { cause: error });
    }
  }

  /** What is wrong with the stored clips: each device clip must be stored once, its audio unaltered. */
  async storageProblems(devices: SimDevice[] = this.devices): Promise<string[]> {
    const stored = this.storedClips();
    const problems = storedOnceProblems(stored, devices);
    for (const row of stored) {
      const audio = await readFile(join(this.dir, 'clips', row.storage_key));
      if (sha256(audio) !== row.sha256) problems.push(`${row.id}: stored audio's sha256 differs from the row`);
    }
    return problems;
  }

  /** The tails of every log, for a failure message. */
  diagnostics(): string {
    const parts: string[] = [];
    for (const [name, server] of this.servers) parts.push(`--- server ${name}\n${server.output().slice(-3000)}`);
    for (const device of this.devices)
      parts.push(`--- device ${device.deviceId}\n${device.log.lines.slice(-15).join('\n')}`);
    return parts.join('\n');
  }

  async close(): Promise<void> {
    for (const device of this.devices) await device.uplink.stop().catch(() => undefined);
    for (const device of this.deviceProcesses) await device.stop(2000);
    for (const server of this.servers.values()) await server.stop(2000);
    await this.mosquitto?.stop();
    this.db?.close();
    await this.removeDir();
  }
}

function storedOnceProblems(stored: StoredClip[], devices: SimDevice[]): string[] {
  const problems: string[] = [];
  const byId = new Map<string, StoredClip[]>();
  for (const row of stored) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
  for (const device of devices) {
    for (const [clipId, hash] of device.clips) {
      const rows = byId.get(clipId) ?? [];
      if (rows.length !== 1) problems.push(`${clipId}: stored ${rows.length} times`);
      else if (rows[0]?.sha256 !== hash) problems.push(`${clipId}: sha256 differs`);
      else if (rows[0]?.device_id !== device.deviceId) problems.push(`${clipId}: stored under ${rows[0]?.device_id}`);
    }
  }
  return problems;
}
