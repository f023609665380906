import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from '@earshot/shared/log';
import { Topics } from '@earshot/shared/protocol';
import { EmbeddedBroker } from './broker/embedded-broker.js';
import type { ServerConfig } from './config/server-config.js';
import { type Database, openDatabase } from './db/database.js';
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
    if (config.mqtt.embedded) {
      this.broker = new EmbeddedBroker({
        host: config.mqtt.host,
        port: config.mqtt.port,
        topics,
        maxMessageBytes: config.mqtt.maxMessageBytes,
        logger: logger.child({ component: 'broker' }),
      });
      mqttPort = (await this.broker.start()).port;
      url = `mqtt://127.0.0.1:${mqttPort}`;
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
    const ingest = new MqttIngest({
      url: url as string,
      username: config.mqtt.username,
      password: config.mqtt.password,
      clientId: config.mqtt.embedded ? 'earshot-server' : `earshot-server-${hostname()}`,
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
    const log = this.logger;
    await this.app?.close();
    log.debug('http closed');
    await this.ingest?.stop();
    log.debug('ingest closed');
    await this.broker?.stop();
    log.debug('broker closed');
    await this.db?.destroy();
  }
}
