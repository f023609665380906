import type { Logger } from '@earshot/shared/log';
import { type ClipAck, decoders, MessageError, type Topics } from '@earshot/shared/protocol';
import { connect, type IPublishPacket, type MqttClient } from 'mqtt';
import type { Database } from '../db/database.js';
import type { ClipIngest } from './clip-ingest.js';

export interface MqttIngestOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  clientId: string;
  topics: Topics;
  ingest: ClipIngest;
  db: Database;
  logger: Logger;
}

/**
 * The server's MQTT client: the same code whether the broker is the embedded aedes or an
 * external Mosquitto/EMQX. Messages are handled one at a time and a QoS 1 message is
 * acknowledged to the broker only after its handler has finished (mqtt.js sends PUBACK when
 * `handleMessage` calls back), so a crash before staging makes the broker deliver it again.
 */
export class MqttIngest {
  private client: MqttClient | undefined;

  constructor(private readonly options: MqttIngestOptions) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(): Promise<void> {
    const { topics, logger } = this.options;
    const client = connect(this.options.url, {
      clientId: this.options.clientId,
      username: this.options.username,
      password: this.options.password,
      // A persistent session keeps QoS 1 messages for us across a reconnect of this server.
      clean: false,
      reconnectPeriod: 1000,
    });
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
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync({ [topics.allClipMessages()]: { qos: 1 }, [topics.allStatuses()]: { qos: 1 } });
    logger.info({ url: this.options.url }, 'ingest subscribed');
  }

  /** Disconnects at once: messages being handled are not acknowledged, so the broker redelivers them. */
  async stop(): Promise<void> {
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
        return this.answer(parsed.deviceId, await ingest.fin(parsed.deviceId, parsed.clipId, payload));
      case 'status':
        return this.status(parsed.deviceId, payload);
      case 'ack':
        return;
    }
  }

  /**
   * Publishes an answer without waiting for its PUBACK: mqtt.js handles incoming packets one at a
   * time, so awaiting our own PUBACK inside `handleMessage` would wait for a packet queued behind
   * ourselves. A lost answer costs nothing: the device repeats its fin and gets it again.
   */
  private answer(deviceId: string, ack: ClipAck | undefined): void {
    if (!ack || !this.client) return;
    this.client.publish(this.options.topics.ack(deviceId), JSON.stringify(ack), { qos: 1 }, (error) => {
      if (error) this.options.logger.warn({ deviceId, clipId: ack.clipId, err: error }, 'answer not sent');
    });
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
          state_changed_at: now,
          last_seen_at: now,
        })),
      )
      .execute();
  }
}
