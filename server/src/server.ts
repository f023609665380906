import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { hostname } from 'node:os';
import { ensureWritableDir, explainListenError } from '@earshot/shared/cli';
import type { Logger } from '@earshot/shared/log';
import { Topics } from '@earshot/shared/protocol';
import { Users } from './access/users.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { Webhooks } from './webhooks/webhooks.js';
import { ClipDestroyer } from './retention/clip-destroyer.js';
import { RetentionPolicy } from './retention/retention-policy.js';
import { BrokerClient } from './broker/broker-client.js';
import { EmbeddedBroker } from './broker/embedded-broker.js';
import { databaseUrl, type ServerConfig } from './config/server-config.js';
import { openDatabase } from './db/database.js';
import { DeviceLink } from './devices/device-link.js';
import { MqttAccounts } from './devices/mqtt-accounts.js';
import { buildApp } from './http/app.js';
import { ServerMetrics } from './http/plugins/metrics.js';
import { ClipIngest, TRANSCRIBE_QUEUE } from './ingest/clip-ingest.js';
import { MqttIngest } from './ingest/mqtt-ingest.js';
import { StagingLimits } from './ingest/staging-limits.js';
import { ConfigPush } from './fleet/config-push.js';
import { DeviceReports } from './fleet/device-reports.js';
import { republishConfigs } from './devices/config-republisher.js';
import { FleetMonitor } from './fleet/fleet-monitor.js';
import { TestPress } from './fleet/test-press.js';
import { ButtonMap } from './questions/button-map.js';
import { seedQuestions } from './questions/seed-questions.js';
import { openQueue } from './queue/open-queue.js';
import { openBlobStore } from './storage/open-blob-store.js';
import { ImportRuns } from './import/import-runs.js';
import { RecordingImporter } from './import/recording-importer.js';
import { buildEngines } from './transcription/build-engines.js';
import { TranscriptionWorker } from './transcription/transcription-worker.js';
import { checkPrograms, requiredPrograms } from './transcription/required-programs.js';
import { Lifecycle } from './lifecycle/lifecycle.js';
import { PeriodicTask } from './lifecycle/periodic-task.js';
import { importWindowMs, msFromHours, msFromMinutes, msFromSeconds } from './config/server-units.js';

export interface StartedServer {
  httpPort: number;
  mqttPort: number | undefined;
}

/**
 * The server, wired: broker (embedded or external) -> MQTT ingest -> database and blob store ->
 * job queue; the HTTP API reads the same database and store.
 */
export class EarshotServer {
  private readonly lifecycle: Lifecycle;
  private worker: TranscriptionWorker | undefined;

  constructor(
    private readonly config: ServerConfig,
    private readonly logger: Logger,
  ) {
    this.lifecycle = new Lifecycle(logger.child({ component: 'lifecycle' }));
  }

  /**
   * Starts every service in order: database, queue, broker, webhooks, ingest and its background
   * tasks, transcription, retention, HTTP last (nothing is served before all it needs runs). A
   * failure stops what already started, in reverse, and is thrown on: the process then ends
   * with the failure's one line rather than running on half-started.
   */
  async start(): Promise<StartedServer> {
    try {
      return await this.startServices();
    } catch (error) {
      await this.lifecycle.stop();
      throw error;
    }
  }

  /** Stops every started service, the last started first. */
  async stop(): Promise<void> {
    await this.lifecycle.stop();
  }

  private async startServices(): Promise<StartedServer> {
    const { config, logger, lifecycle } = this;
    const url = databaseUrl(config);
    if (config.database.url === undefined) {
      // The default database lives there; named here so the message names the setting to change.
      await ensureWritableDir('the data directory', resolve(config.dataDir), 'dataDir');
    }
    const stt = config.transcription;
    if (stt.enabled) await checkPrograms(requiredPrograms(stt));
    const blobs = openBlobStore(config);
    await blobs.check();
    const db = await lifecycle.open(
      'database',
      () => openDatabase(url),
      (opened) => opened.destroy(),
    );
    await seedQuestions(db, config.questions);
    const buttonMap = new ButtonMap(db);
    await buttonMap.seed(config.buttonMap);
    const queue = await lifecycle.open(
      'job queue',
      () => openQueue(config, db, logger.child({ component: 'queue' })),
      (opened) => opened.stop(),
    );
    const metrics = new ServerMetrics(queue, TRANSCRIBE_QUEUE);
    const topics = new Topics(config.mqtt.root);

    let mqttPort: number | undefined;
    let brokerUrl = config.mqtt.url;
    let login = { username: config.mqtt.username, password: config.mqtt.password };
    let broker: EmbeddedBroker | undefined;
    const tls = config.mqtt.tls;
    const serveTls = tls?.certFile !== undefined && tls.keyFile !== undefined;
    if (config.mqtt.embedded) {
      const embedded = new EmbeddedBroker({
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
      await lifecycle.start({
        name: 'embedded MQTT broker',
        start: async () => {
          try {
            mqttPort = (await embedded.start()).port;
          } catch (error) {
            await embedded.stop();
            throw explainListenError(
              {
                what: 'MQTT',
                host: config.mqtt.host,
                port: config.mqtt.port,
                portKey: 'mqtt.port',
                inUseHint: 'is Mosquitto running? to use it instead, set mqtt.embedded to false and mqtt.url;',
              },
              error,
            );
          }
        },
        stop: () => embedded.stop(),
      });
      broker = embedded;
      brokerUrl = `${serveTls ? 'mqtts' : 'mqtt'}://127.0.0.1:${mqttPort}`;
      login = embedded.internalLogin;
    }
    const webhooks = new Webhooks(config.webhooks.hooks, queue);
    if (config.webhooks.hooks.length > 0) {
      await lifecycle.start(
        new WebhookDispatcher({
          webhooks,
          queue,
          retry: {
            maxAttempts: config.webhooks.maxAttempts,
            initialDelayMs: msFromSeconds(5),
            maxDelayMs: msFromHours(1),
          },
          timeoutMs: msFromSeconds(config.webhooks.timeoutSeconds),
          pollIntervalMs: 1000,
          logger: logger.child({ component: 'webhooks' }),
        }),
      );
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
    const abandonMs = msFromHours(config.ingest.abandonAfterHours);
    await lifecycle.start(
      new PeriodicTask({
        name: 'expiry of abandoned transfers',
        intervalMs: Math.min(abandonMs, msFromHours(1)),
        run: () => clipIngest.expireAbandoned(new Date(Date.now() - abandonMs)),
        runAtStart: true,
        logger,
      }),
    );
    const client = new BrokerClient({
      url: brokerUrl as string,
      username: login.username,
      password: login.password,
      clientId: config.mqtt.clientId ?? (config.mqtt.embedded ? 'earshot-server' : `earshot-server-${hostname()}`),
      protocolVersion: config.mqtt.embedded ? 4 : config.mqtt.protocolVersion,
      sharedGroup: config.mqtt.sharedGroup,
      // A private CA also serves the embedded broker's own loopback client.
      ca: tls?.caFile === undefined ? undefined : readFileSync(tls.caFile),
      logger: logger.child({ component: 'mqtt-ingest' }),
    });
    const link = new DeviceLink(topics, client.publish);
    const { checkIntervalSeconds, historyHours, testPressTimeoutSeconds, ...thresholds } = config.fleet;
    const reports = new DeviceReports({ db, logger: logger.child({ component: 'fleet' }) });
    const fleet = new FleetMonitor({
      db,
      reports,
      webhooks,
      thresholds,
      historyHours,
      logger: logger.child({ component: 'fleet' }),
    });
    reports.listen((deviceId) => void fleet.evaluate(deviceId));
    // Stopped after MQTT ingest (services stop in reverse): what it queued is committed.
    await lifecycle.start({ name: 'device reports', start: async () => undefined, stop: () => reports.flush() });
    const testPress = new TestPress(link, msFromSeconds(testPressTimeoutSeconds));
    const ingest = new MqttIngest({
      client,
      topics,
      ingest: clipIngest,
      reports,
      maxFinsInProgress: config.ingest.maxFinsInProgress,
      logger: logger.child({ component: 'mqtt-ingest' }),
      onResponse: (deviceId, name, payload) => link.answered(deviceId, name, payload),
    });
    await lifecycle.start({ name: 'MQTT ingest', start: () => ingest.start(), stop: () => ingest.stop() });
    // The embedded broker forgets retained messages when it stops: put every device's pushed
    // configuration back, so a device reconnecting after this restart still finds its own.
    await republishConfigs(db, topics, client.publish, logger).catch((error: unknown) =>
      logger.error({ err: error }, 'republishing pushed configurations failed; devices get them on the next push'),
    );
    await lifecycle.start(
      new PeriodicTask({
        name: 'fleet check',
        intervalMs: msFromSeconds(checkIntervalSeconds),
        run: () => fleet.evaluateAll(),
        logger,
      }),
    );

    // Transcription: a worker in this process unless disabled (e.g. when workers run elsewhere).
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
      await lifecycle.start(this.worker);
    }

    const caFileForDevices = config.enrolment.caFile ?? tls?.caFile;
    const importer = new RecordingImporter({
      db,
      ingest: clipIngest,
      ...importWindowMs(config.import),
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
    await lifecycle.start(
      new PeriodicTask({
        name: 'retention purge',
        intervalMs: msFromMinutes(config.retention.checkIntervalMinutes),
        run: () => retention.purge(),
        runAtStart: true,
        logger,
      }),
    );

    const app = await buildApp({
      retention,
      destroyer,
      imports,
      db,
      blobs,
      metrics,
      logger,
      brokerConnected: () => client.connected,
      queue,
      buttonMap,
      onJobQueued: () => this.worker?.wake(),
      access: config.access,
      http: config.http,
      enrolment: {
        link,
        broker: {
          url: config.enrolment.brokerUrl,
          embedded: mqttPort === undefined ? undefined : { host: config.mqtt.host, port: mqttPort, tls: serveTls },
          root: config.mqtt.root,
          caPem: caFileForDevices === undefined ? undefined : readFileSync(caFileForDevices, 'utf8'),
        },
        disconnect: broker ? (deviceId) => broker.disconnectDevice(deviceId) : undefined,
        tokenHours: config.enrolment.tokenHours,
        attemptsPerMinute: config.enrolment.attemptsPerMinute,
        rotationTimeoutMs: msFromSeconds(config.enrolment.rotationTimeoutSeconds),
        retireOnAnswer: !config.mqtt.embedded,
      },
      fleet: { configPush: new ConfigPush(db, topics, client.publish), testPress },
    });
    if ((await new Users(db).count()) === 0) {
      logger.warn('no users yet: create the first admin with `earshot-server users add <name> --role admin`');
    }
    await lifecycle.start({
      name: 'HTTP',
      start: async () => {
        try {
          await app.listen({ host: config.http.host, port: config.http.port });
        } catch (error) {
          await app.close();
          throw explainListenError(
            { what: 'HTTP', host: config.http.host, port: config.http.port, portKey: 'http.port' },
            error,
          );
        }
      },
      stop: () => app.close(),
    });
    const address = app.server.address();
    const httpPort = typeof address === 'object' && address ? address.port : config.http.port;
    logger.info({ httpPort, mqttPort }, 'earshot server started');
    return { httpPort, mqttPort };
  }
}
