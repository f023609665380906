import type { Logger } from '@earshot/shared/log';
import { type ClipAck, decoders, MessageError, type RequestName, type Topics } from '@earshot/shared/protocol';
import { firstConnection } from '../broker/first-connection.js';
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Database } from '../db/database.js';
import { BackgroundFins } from './background-fins.js';
import type { FleetMonitor } from '../fleet/fleet-monitor.js';
import type { ClipIngest } from './clip-ingest.js';

export interface MqttIngestOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  clientId: string;
  /** 5 for shared subscriptions on Mosquitto/EMQX; aedes speaks only 4 (3.1.1). */
  protocolVersion: 4 | 5;
  /** Scale-out: instances with the same group share the uploads (`$share/<group>/...`). */
  sharedGroup?: string | undefined;
  /** PEM CA certificate(s) for mqtts:// with a private CA. */
  ca?: Buffer | undefined;
  topics: Topics;
  ingest: ClipIngest;
  db: Database;
  /** Keeps heartbeat history and evaluates alerts when a device reports. */
  fleet?: FleetMonitor | undefined;
  logger: Logger;
  /** Fins processed at a time, off the message path (config `ingest.maxFinsInProgress`). */
  maxFinsInProgress: number;
  /** A device answered a request (see devices/device-link.ts). */
  onResponse?: (deviceId: string, name: RequestName, payload: Buffer) => void;
}

/**
 * The server's MQTT client: the same code whether the broker is the embedded aedes or an
 * external Mosquitto/EMQX. Messages are handled one at a time and a QoS 1 message is
 * acknowledged to the broker only after its handler has finished (mqtt.js sends PUBACK when
 * `handleMessage` calls back), so a crash before staging makes the broker deliver it again.
 * Fins are the exception: they carry no data, so they are acknowledged at once and processed
 * in the background (see BackgroundFins), and the next chunks flow meanwhile.
 */
export class MqttIngest {
  private client: MqttClient | undefined;
  private readonly fins: BackgroundFins;

  constructor(private readonly options: MqttIngestOptions) {
    this.fins = new BackgroundFins(options.maxFinsInProgress);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(): Promise<void> {
    const { topics, logger } = this.options;
    const options: IClientOptions = {
      clientId: this.options.clientId,
      username: this.options.username,
      password: this.options.password,
      protocolVersion: this.options.protocolVersion,
      // A persistent session keeps QoS 1 messages for us across a reconnect of this server. Not
      // in a shared group: Mosquitto would keep handing a dead member its share of new messages;
      // with a clean session they go to the live members, and what was in flight to the dead one
      // is asked for again by its device (fin -> incomplete -> resend).
      clean: this.options.sharedGroup !== undefined,
      reconnectPeriod: 1000,
    };
    if (this.options.protocolVersion === 5 && !options.clean) options.properties = { sessionExpiryInterval: 24 * 3600 };
    if (this.options.ca) options.ca = this.options.ca;
    const client = connect(this.options.url, options);
    this.client = client;
    client.handleMessage = (packet, done) => {
      this.handle(packet).then(
        () => done(),
        (error: unknown) => {
          // No PUBACK: the broker redelivers, and nothing accepted is lost.
          logger.error({ topic: packet.topic, err: error }, 'message not processed; left for redelivery');
          done(error as Error);
        },
      );
    };
    client.on('error', (error) => logger.warn({ err: error }, 'broker connection error'));
    client.on('reconnect', () => logger.info('reconnecting to broker'));
    await firstConnection(client, this.options.url);
    const group = this.options.sharedGroup;
    const filters = [topics.allClipMessages(), topics.allStatuses(), topics.allHeartbeats(), topics.allConfigStates()];
    const subscriptions = Object.fromEntries(
      filters.map((f) => [group === undefined ? f : `$share/${group}/${f}`, { qos: 1 as const }]),
    );
    const granted = await client.subscribeAsync(subscriptions);
    // Answers to requests go to every instance: only the one that asked holds the transaction.
    granted.push(...(await client.subscribeAsync({ [topics.allResponses()]: { qos: 1 } })));
    const refused = granted.filter((g) => g.qos > 2);
    if (refused.length > 0) throw new Error(`broker refused subscriptions: ${refused.map((g) => g.topic).join(', ')}`);
    logger.info(
      { url: this.options.url, sharedGroup: group, mqttVersion: this.options.protocolVersion },
      'ingest subscribed',
    );
  }

  /** Publishes a server -> device message (requests, emptied retained topics) at QoS 1. */
  async publish(topic: string, payload: string, options: { retain: boolean }): Promise<void> {
    if (!this.client?.connected) throw new Error('not connected to the broker');
    await this.client.publishAsync(topic, payload, { qos: 1, retain: options.retain });
  }

  /**
   * Lets the fins in progress finish and answer, then disconnects at once: messages being
   * handled are not acknowledged, so the broker redelivers them.
   */
  async stop(): Promise<void> {
    await this.fins.close();
    await this.client?.endAsync(true);
  }

  private async handle(packet: IPublishPacket): Promise<void> {
    const { topics, ingest, logger } = this.options;
    const parsed = topics.parse(packet.topic);
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    if (!parsed) {
      logger.warn({ topic: packet.topic }, 'message on an unknown topic ignored');
      return;
    }
    switch (parsed.kind) {
      case 'clip-init':
        return this.answer(parsed.deviceId, await ingest.init(parsed.deviceId, parsed.clipId, payload));
      case 'clip-chunk':
        return ingest.chunk(parsed.deviceId, parsed.clipId, parsed.offset, payload);
      case 'clip-fin':
        return this.finInBackground(parsed.deviceId, parsed.clipId, payload);
      case 'status':
        return this.status(parsed.deviceId, payload);
      case 'heartbeat':
        return this.heartbeat(parsed.deviceId, payload);
      case 'config-state':
        return this.configState(parsed.deviceId, payload);
      case 'response':
        this.options.onResponse?.(parsed.deviceId, parsed.name, payload);
        return;
      case 'ack':
      case 'config':
      case 'request':
        return;
    }
  }

  private async finInBackground(deviceId: string, clipId: string, payload: Buffer): Promise<void> {
    const { ingest, logger } = this.options;
    const started = await this.fins.start(`${deviceId}/${clipId}`, () =>
      ingest.fin(deviceId, clipId, payload).then(
        (ack) => this.answer(deviceId, ack),
        // Unanswered: the device asks again with a fin.
        (error: unknown) =>
          logger.error({ deviceId, clipId, err: error }, 'fin not processed; the device will repeat it'),
      ),
    );
    if (!started) logger.debug({ deviceId, clipId }, 'repeated fin dropped: the one in progress answers');
  }

  private answer(deviceId: string, ack: ClipAck | undefined): void {
    if (!ack || !this.client) return;
    // Not awaited: mqtt.js reads no further packet (our PUBACK among them) until this message's
    // handler is done. A lost answer costs nothing: the device asks again with a fin.
    this.client.publish(this.options.topics.ack(deviceId), JSON.stringify(ack), { qos: 1 }, (error) => {
      if (error) this.options.logger.warn({ deviceId, clipId: ack.clipId, err: error }, 'answer not sent');
    });
  }

  private async heartbeat(deviceId: string, payload: Buffer): Promise<void> {
    try {
      decoders.deviceHeartbeat.decode(payload);
    } catch (error) {
      if (!(error instanceof MessageError)) throw error;
      this.options.logger.warn({ deviceId, problem: error.message }, 'malformed heartbeat ignored');
      return;
    }
    const row = {
      device_id: deviceId,
      heartbeat_json: payload.toString('utf8'),
      received_at: new Date().toISOString(),
    };
    await this.options.db
      .insertInto('device_heartbeats')
      .values(row)
      .onConflict((oc) =>
        oc.column('device_id').doUpdateSet({ heartbeat_json: row.heartbeat_json, received_at: row.received_at }),
      )
      .execute();
    const { fleet } = this.options;
    if (fleet) {
      await fleet.recordHeartbeat(deviceId, row.heartbeat_json, row.received_at);
      void fleet.evaluate(deviceId);
    }
  }

  private async configState(deviceId: string, payload: Buffer): Promise<void> {
    if (payload.length === 0) return;
    let state;
    try {
      state = decoders.configState.decode(payload);
    } catch (error) {
      if (!(error instanceof MessageError)) throw error;
      this.options.logger.warn({ deviceId, problem: error.message }, 'malformed config state ignored');
      return;
    }
    if (state.status === 'rejected') {
      this.options.logger.warn(
        { deviceId, version: state.version, reason: state.reason },
        'device rejected its configuration',
      );
    }
    const row = { device_id: deviceId, state_json: JSON.stringify(state), received_at: new Date().toISOString() };
    await this.options.db
      .insertInto('device_config_states')
      .values(row)
      .onConflict((oc) =>
        oc.column('device_id').doUpdateSet({ state_json: row.state_json, received_at: row.received_at }),
      )
      .execute();
  }

  private async status(deviceId: string, payload: Buffer): Promise<void> {
    // An empty retained message clears the topic; it carries no state.
    if (payload.length === 0) return;
    let state: 'online' | 'offline';
    let version: string | null = null;
    try {
      const status = decoders.deviceStatus.decode(payload);
      state = status.state;
      version = status.version ?? null;
    } catch (error) {
      if (!(error instanceof MessageError)) throw error;
      this.options.logger.warn({ deviceId, problem: error.message }, 'malformed device status ignored');
      return;
    }
    const now = new Date().toISOString();
    await this.options.db
      .insertInto('devices')
      .values({ id: deviceId, state, version, state_changed_at: now, last_seen_at: now })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          state,
          version: version ?? eb.ref('devices.version'),
          // "Offline since" means since it went offline, not since the last repeat of it.
          state_changed_at: eb
            .case()
            .when('devices.state', '=', state)
            .then(eb.ref('devices.state_changed_at'))
            .else(now)
            .end(),
          last_seen_at: now,
        })),
      )
      .execute();
    void this.options.fleet?.evaluate(deviceId);
  }
}
