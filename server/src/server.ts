import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Logger } from '@earshot/shared/log';
import { Topics } from '@earshot/shared/protocol';
import { Users } from './access/users.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { Webhooks } from './webhooks/webhooks.js';
import { ClipDestroyer } from './retention/clip-destroyer.js';
import { RetentionPolicy } from './retention/retention-policy.js';
import { EmbeddedBroker } from './broker/embedded-broker.js';
import { databaseUrl, type ServerConfig } from './config/server-config.js';
import { type Database, openDatabase } from './db/database.js';
import { DeviceLink, type Publish } from './devices/device-link.js';
import { MqttAccounts } from './devices/mqtt-accounts.js';
import { buildApp } from './http/app.js';
import { ServerMetrics } from './http/plugins/metrics.js';
import { ClipIngest, TRANSCRIBE_QUEUE } from './ingest/clip-ingest.js';
import { MqttIngest } from './ingest/mqtt-ingest.js';
import { StagingLimits } from './ingest/staging-limits.js';
import { ConfigPush } from './fleet/config-push.js';
import { republishConfigs } from './devices/config-republisher.js';
import { FleetMonitor } from './fleet/fleet-monitor.js';
import { TestPress } from './fleet/test-press.js';
import { ButtonMap } from './questions/button-map.js';
import { seedQuestions } from './questions/seed-questions.js';
import type { JobQueue } from './queue/job-queue.js';
import { openQueue } from './queue/open-queue.js';
import { openBlobStore } from './storage/open-blob-store.js';
import { ImportRuns } from './import/import-runs.js';
import { RecordingImporter } from './import/recording-importer.js';
import { buildEngines } from './transcription/build-engines.js';
import { TranscriptionWorker } from './transcription/transcription-worker.js';

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
  private retentionTimer: NodeJS.Timeout | undefined;
  private worker: TranscriptionWorker | undefined;
  private webhooks: WebhookDispatcher | undefined;
  private queue: JobQueue | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private fleetTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: ServerConfig,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<StartedServer> {
    const { config, logger } = this;
    const db = await openDatabase(databaseUrl(config));
    this.db = db;
    await seedQuestions(db, config.questions);
    const buttonMap = new ButtonMap(db);
    await buttonMap.seed(config.buttonMap);
    const blobs = openBlobStore(config);
    const queue = await openQueue(config, db, logger.child({ component: 'queue' }));
    this.queue = queue;
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
    const webhooks = new Webhooks(config.webhooks.hooks, queue);
    if (config.webhooks.hooks.length > 0) {
      this.webhooks = new WebhookDispatcher({
        webhooks,
        queue,
        retry: { maxAttempts: config.webhooks.maxAttempts, initialDelayMs: 5_000, maxDelayMs: 3_600_000 },
        timeoutMs: config.webhooks.timeoutSeconds * 1000,
        pollIntervalMs: 1000,
        logger: logger.child({ component: 'webhooks' }),
      });
      await this.webhooks.start();
    }
    const clipIngest = new ClipIngest({
      db,
      blobs,
      queue,
      buttonMap,
      webhooks,
      maxResends: config.ingest.maxResends,
      limits: new StagingLimits(db, {
        maxOpenTransfers: config.ingest.maxOpenTransfersPerDevice,
        maxStagedBytes: config.ingest.maxStagedBytesPerDevice,
        retryAfterSeconds: 60,
      }),
      logger: logger.child({ component: 'ingest' }),
      onStored: () => {
        metrics.clipsStored.inc();
        this.worker?.wake();
      },
    });
    const abandonMs = config.ingest.abandonAfterHours * 3600_000;
    const expire = () =>
      clipIngest
        .expireAbandoned(new Date(Date.now() - abandonMs))
        .catch((error: unknown) => logger.error({ err: error }, 'expiring abandoned transfers failed'));
    await expire();
    this.expiryTimer = setInterval(() => void expire(), Math.min(abandonMs, 3600_000));
    this.expiryTimer.unref();
    const publish: Publish = (topic, payload, options) => ingest.publish(topic, payload, options);
    const link = new DeviceLink(topics, publish);
    const { checkIntervalSeconds, historyHours, testPressTimeoutSeconds, ...thresholds } = config.fleet;
    const fleet = new FleetMonitor({
      db,
      webhooks,
      thresholds,
      historyHours,
      logger: logger.child({ component: 'fleet' }),
    });
    const testPress = new TestPress(link, testPressTimeoutSeconds * 1000);
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
      fleet,
      maxFinsInProgress: config.ingest.maxFinsInProgress,
      logger: logger.child({ component: 'mqtt-ingest' }),
      onResponse: (deviceId, name, payload) => link.answered(deviceId, name, payload),
    });
    this.ingest = ingest;
    await ingest.start();
    await republishConfigs(db, topics, publish, logger).catch((error: unknown) =>
      logger.error({ err: error }, 'republishing pushed configurations failed; devices get them on the next push'),
    );
    const checkFleet = () =>
      fleet.evaluateAll().catch((error: unknown) => logger.error({ err: error }, 'fleet check failed'));
    this.fleetTimer = setInterval(() => void checkFleet(), checkIntervalSeconds * 1000);
    this.fleetTimer.unref();

    // Transcription: a worker in this process unless disabled (e.g. when workers run elsewhere).
    const stt = config.transcription;
    if (stt.enabled) {
      const engines = buildEngines(stt);
      this.worker = new TranscriptionWorker({
        webhooks,
        db,
        blobs,
        queue,
        engines,
        targeted: (language) => engines.targetedFor(language),
        retry: { maxAttempts: stt.maxAttempts, initialDelayMs: stt.initialDelayMs, maxDelayMs: stt.maxDelayMs },
        concurrency: stt.concurrency,
        pollIntervalMs: stt.pollIntervalMs,
        defaultLanguage: stt.defaultLanguage,
        logger: logger.child({ component: 'transcription' }),
      });
      await this.worker.start();
    }

    const caFileForDevices = config.enrolment.caFile ?? tls?.caFile;
    const importer = new RecordingImporter({
      db,
      ingest: clipIngest,
      preMs: config.import.preSeconds * 1000,
      postMs: config.import.postSeconds * 1000,
      logger: logger.child({ component: 'import' }),
    });
    const imports = { runs: new ImportRuns(importer, logger), maxUploadBytes: config.import.maxUploadBytes };

    const destroyer = new ClipDestroyer(db, blobs, logger.child({ component: 'retention' }));
    const retention = new RetentionPolicy({
      db,
      destroyer,
      defaultDays: config.retention.defaultDays,
      logger: logger.child({ component: 'retention' }),
    });
    const purge = () => {
      retention
        .purge()
        .catch((error: unknown) => logger.error({ err: error }, 'retention purge failed; retried next time'));
    };
    purge();
    this.retentionTimer = setInterval(purge, config.retention.checkIntervalMinutes * 60_000);
    this.retentionTimer.unref();

    this.app = await buildApp({
      retention,
      destroyer,
      imports,
      db,
      blobs,
      metrics,
      logger,
      brokerConnected: () => ingest.connected,
      queue,
      buttonMap,
      onJobQueued: () => this.worker?.wake(),
      access: config.access,
      enrolment: {
        link,
        broker: {
          url: config.enrolment.brokerUrl,
          embedded:
            mqttPort === undefined
              ? undefined
              : { port: mqttPort, tls: tls?.certFile !== undefined && tls.keyFile !== undefined },
          root: config.mqtt.root,
          caPem: caFileForDevices === undefined ? undefined : readFileSync(caFileForDevices, 'utf8'),
        },
        disconnect: this.broker ? (deviceId) => this.broker?.disconnectDevice(deviceId) : undefined,
        tokenHours: config.enrolment.tokenHours,
        attemptsPerMinute: config.enrolment.attemptsPerMinute,
        rotationTimeoutMs: config.enrolment.rotationTimeoutSeconds * 1000,
        retireOnAnswer: !config.mqtt.embedded,
      },
      fleet: { configPush: new ConfigPush(db, topics, publish), testPress },
    });
    if ((await new Users(db).count()) === 0) {
      logger.warn('no users yet: create the first admin with `earshot-server users add <name> --role admin`');
    }
    await this.app.listen({ host: config.http.host, port: config.http.port });
    const address = this.app.server.address();
    const httpPort = typeof address === 'object' && address ? address.port : config.http.port;
    logger.info({ httpPort, mqttPort }, 'earshot server started');
    return { httpPort, mqttPort };
  }

  async stop(): Promise<void> {
    const log = this.logger;
    clearInterval(this.retentionTimer);
    clearInterval(this.expiryTimer);
    clearInterval(this.fleetTimer);
    await this.app?.close();
    log.debug('http closed');
    await this.ingest?.stop();
    log.debug('ingest closed');
    await this.worker?.stop();
    await this.webhooks?.stop();
    await this.queue?.stop();
    log.debug('transcription stopped');
    await this.broker?.stop();
    log.debug('broker closed');
    await this.db?.destroy();
  }
}
