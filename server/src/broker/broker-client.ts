import type { Logger } from '@earshot/shared/log';
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { BUSY_BROKER_TIMEOUT_MS, firstConnection } from './first-connection.js';

/** Publishes one MQTT message through the server's own client (QoS 1). */
export type Publish = (topic: string, payload: string, options: { retain: boolean }) => Promise<void>;

export interface BrokerClientOptions {
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
  logger: Logger;
}

/**
 * The server's one MQTT connection, the same whether the broker is the embedded aedes or an
 * external Mosquitto/EMQX: MQTT ingest receives through it and everything the server sends to
 * devices (answers, requests, retained topics) goes out through `publish`.
 */
export class BrokerClient {
  private client: MqttClient | undefined;

  constructor(private readonly options: BrokerClientOptions) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Where this client connects, for logs (no credentials). */
  get endpoint(): { url: string; sharedGroup: string | undefined; mqttVersion: 4 | 5 } {
    const { url, sharedGroup, protocolVersion } = this.options;
    return { url, sharedGroup, mqttVersion: protocolVersion };
  }

  /**
   * Connects, handing every message to `handle`. A QoS 1 message is acknowledged to the broker
   * only when `handle` resolves (mqtt.js sends PUBACK when `handleMessage` calls back).
   */
  async connect(handle: (packet: IPublishPacket) => Promise<void>): Promise<void> {
    const { logger, sharedGroup } = this.options;
    const options: IClientOptions = {
      clientId: this.options.clientId,
      username: this.options.username,
      password: this.options.password,
      protocolVersion: this.options.protocolVersion,
      // A persistent session keeps QoS 1 messages for us across a reconnect of this server. Not
      // in a shared group: Mosquitto would keep handing a dead member its share of new messages;
      // with a clean session they go to the live members, and what was in flight to the dead one
      // is asked for again by its device (fin -> incomplete -> resend).
      clean: sharedGroup !== undefined,
      reconnectPeriod: 1000,
      connectTimeout: BUSY_BROKER_TIMEOUT_MS,
    };
    if (this.options.protocolVersion === 5 && !options.clean) options.properties = { sessionExpiryInterval: 24 * 3600 };
    if (this.options.ca) options.ca = this.options.ca;
    const client = connect(this.options.url, options);
    this.client = client;
    client.handleMessage = (packet, done) => {
      handle(packet).then(
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
  }

  /**
   * Subscribes at QoS 1; `shared` filters go through the instance's shared group, if any.
   * Throws when the broker refuses any of them.
   */
  async subscribe(filters: string[], shared: boolean): Promise<void> {
    const group = this.options.sharedGroup;
    const subscriptions = Object.fromEntries(
      // MQTT 5: "retain as published", so that a retained publish reaches us flagged as such
      // and a retained message parked where none belongs can be cleared (see MqttIngest).
      filters.map((f) => [
        !shared || group === undefined ? f : `$share/${group}/${f}`,
        { qos: 1 as const, ...(this.options.protocolVersion === 5 ? { rap: true } : {}) },
      ]),
    );
    const granted = await this.connection().subscribeAsync(subscriptions);
    const refused = granted.filter((g) => g.qos > 2);
    if (refused.length > 0) throw new Error(`broker refused subscriptions: ${refused.map((g) => g.topic).join(', ')}`);
  }

  /** Publishes a server -> device message (requests, emptied retained topics) at QoS 1. */
  readonly publish: Publish = async (topic, payload, options) => {
    if (!this.client?.connected) throw new Error('not connected to the broker');
    await this.client.publishAsync(topic, payload, { qos: 1, retain: options.retain });
  };

  /**
   * Publishes an answer at QoS 1, connected or not: while the connection is down mqtt.js holds
   * it until the reconnection. Callers need not wait for it (see MqttIngest).
   */
  async reply(topic: string, payload: string): Promise<void> {
    await this.connection().publishAsync(topic, payload, { qos: 1 });
  }

  /** Removes the broker's retained message on `topic` (an empty retained publish), connected or not. */
  async clearRetained(topic: string): Promise<void> {
    await this.connection().publishAsync(topic, Buffer.alloc(0), { qos: 1, retain: true });
  }

  /** Disconnects at once: messages being handled are not acknowledged. */
  async end(): Promise<void> {
    await this.client?.endAsync(true);
  }

  private connection(): MqttClient {
    if (!this.client) throw new Error('not connected to the broker yet');
    return this.client;
  }
}
