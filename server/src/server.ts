import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from '@earshot/shared/log';
import { Topics } from '@earshot/shared/protocol';
import { EmbeddedBroker } from './broker/embedded-broker.js';
import type { ServerConfig } from './config/server-config.js';
import { type Database, openDatabase } from './db/database.js';
import { MqttAccounts } from './devices/mqtt-accounts.js';
import { buildApp } from './http/app.js';
import { ServerMetrics } from './http/plugins/metrics.js';
import { ClipIngest, TRANSCRIBE_QUEUE } from './ingest/clip-ingest.js';
import { MqttIngest } from './ingest/mqtt-ingest.js';
import { ButtonMap } from './questions/button-map.js';
import { seedQuestions } from './questions/seed-questions.js';
import { JobQueue } from './queue/job-queue.js';
import { DiskBlobStore } from './storage/disk-blob-store.js';

export interface StartedServer {
  httpPort: number;
  mqttPort: number | undefined;
}

/**
 * The server, wired: broker (embedded or external) -> MQTT ingest -> database and blob store ->
 * job queue; the HTTP API reads the same database and store.
 */
export class EarshotServer {
  private db: Database | undefined;
  private broker: EmbeddedBroker | undefined;
  private ingest: MqttIngest | undefined;
  private app: Awaited<ReturnType<typeof buildApp>> | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: ServerConfig,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<StartedServer> {
    const { config, logger } = this;
    const dataDir = resolve(config.dataDir);
    const db = await openDatabase(config.database.url ?? `sqlite:${join(dataDir, 'earshot.db')}`);
    this.db = db;
    await seedQuestions(db, config.questions);
    const blobs = new DiskBlobStore(config.storage.dir ?? join(dataDir, 'clips'));
    const queue = new JobQueue(db);
    const metrics = new ServerMetrics(queue, TRANSCRIBE_QUEUE);
    const topics = new Topics(config.mqtt.root);

    let mqttPort: number | undefined;
    let url = config.mqtt.url;
    let login = { username: config.mqtt.username, password: config.mqtt.password };
    const tls = config.mqtt.tls;
    if (config.mqtt.embedded) {
      const serveTls = tls?.certFile !== undefined && tls.keyFile !== undefined;
      this.broker = new EmbeddedBroker({
        host: config.mqtt.host,
        port: config.mqtt.port,
        topics,
        maxMessageBytes: config.mqtt.maxMessageBytes,
        accounts: config.mqtt.authentication ? new MqttAccounts(db) : undefined,
        tls: serveTls
          ? { cert: readFileSync(tls.certFile as string), key: readFileSync(tls.keyFile as string) }
          : undefined,
        logger: logger.child({ component: 'broker' }),
      });
      mqttPort = (await this.broker.start()).port;
      url = `${serveTls ? 'mqtts' : 'mqtt'}://127.0.0.1:${mqttPort}`;
      login = this.broker.internalLogin;
    }
    const clipIngest = new ClipIngest({
      db,
      blobs,
      queue,
      buttonMap: new ButtonMap(config.buttonMap),
      maxResends: config.ingest.maxResends,
      logger: logger.child({ component: 'ingest' }),
      onStored: () => metrics.clipsStored.inc(),
    });
    const abandonMs = config.ingest.abandonAfterHours * 3600_000;
    const expire = () =>
      clipIngest
        .expireAbandoned(new Date(Date.now() - abandonMs))
        .catch((error: unknown) => logger.error({ err: error }, 'expiring abandoned transfers failed'));
    await expire();
    this.expiryTimer = setInterval(() => void expire(), Math.min(abandonMs, 3600_000));
    this.expiryTimer.unref();
    const ingest = new MqttIngest({
      url: url as string,
      username: login.username,
      password: login.password,
      clientId: config.mqtt.clientId ?? (config.mqtt.embedded ? 'earshot-server' : `earshot-server-${hostname()}`),
      protocolVersion: config.mqtt.embedded ? 4 : config.mqtt.protocolVersion,
      sharedGroup: config.mqtt.sharedGroup,
      // A private CA also serves the embedded broker's own loopback client.
      ca: tls?.caFile === undefined ? undefined : readFileSync(tls.caFile),
      topics,
      ingest: clipIngest,
      db,
      logger: logger.child({ component: 'mqtt-ingest' }),
    });
    this.ingest = ingest;
    await ingest.start();

    this.app = await buildApp({ db, blobs, metrics, logger, brokerConnected: () => ingest.connected });
    await this.app.listen({ host: config.http.host, port: config.http.port });
    const address = this.app.server.address();
    const httpPort = typeof address === 'object' && address ? address.port : config.http.port;
    logger.info({ httpPort, mqttPort }, 'earshot server started');
    return { httpPort, mqttPort };
  }

  async stop(): Promise<void> {
    clearInterval(this.expiryTimer);
    await this.app?.close();
    await this.ingest?.stop();
    await this.broker?.stop();
    await this.db?.destroy();
  }
}
