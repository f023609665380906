import type { Logger } from '@earshot/shared/log';
import type { ClipAck, RequestName, Topics } from '@earshot/shared/protocol';
import type { IPublishPacket } from 'mqtt';
import type { BrokerClient } from '../broker/broker-client.js';
import type { DeviceReports } from '../fleet/device-reports.js';
import { mayRetain } from '../broker/retain-policy.js';
import { BackgroundFins } from './background-fins.js';
import type { ClipIngest } from './clip-ingest.js';

export interface MqttIngestOptions {
  /** The server's connection; ingest connects it and ends it. */
  client: BrokerClient;
  topics: Topics;
  ingest: ClipIngest;
  /** Takes what devices report about themselves: status, heartbeats, config states. */
  reports: DeviceReports;
  logger: Logger;
  /** Fins processed at a time, off the message path (config `ingest.maxFinsInProgress`). */
  maxFinsInProgress: number;
  /** A device answered a request (see devices/device-link.ts). */
  onResponse: (deviceId: string, name: RequestName, payload: Buffer) => void;
}

/**
 * The server's side of the MQTT protocol as a transport: it subscribes and hands each message
 * to its owner (clip transfers to ClipIngest, reports to DeviceReports, answers to requests to
 * DeviceLink). Messages are handled one at a time and a QoS 1 message is acknowledged to the
 * broker only after its handler has finished, so a crash before staging makes the broker
 * deliver it again. Fins are the exception: they carry no data, so they are acknowledged at once
 * and processed in the background (see BackgroundFins), and the next chunks flow meanwhile;
 * statuses and heartbeats too, committed in groups (see `report`).
 */
export class MqttIngest {
  private readonly fins: BackgroundFins;

  constructor(private readonly options: MqttIngestOptions) {
    this.fins = new BackgroundFins(options.maxFinsInProgress);
  }

  async start(): Promise<void> {
    const { client, topics, logger } = this.options;
    await client.connect((packet) => this.handle(packet));
    await client.subscribe(
      [topics.allClipMessages(), topics.allStatuses(), topics.allHeartbeats(), topics.allConfigStates()],
      true,
    );
    // Answers to requests go to every instance: only the one that asked holds the transaction.
    await client.subscribe([topics.allResponses()], false);
    logger.info(client.endpoint, 'ingest subscribed');
  }

  /**
   * Lets the fins in progress finish and answer, then disconnects at once: messages being
   * handled are not acknowledged, so the broker redelivers them.
   */
  async stop(): Promise<void> {
    await this.fins.close();
    await this.options.client.end();
  }

  private async handle(packet: IPublishPacket): Promise<void> {
    const { topics, ingest, reports, logger } = this.options;
    const parsed = topics.parse(packet.topic);
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    if (!parsed) {
      logger.warn({ topic: packet.topic }, 'message on an unknown topic ignored');
      return;
    }
    if (packet.retain && !mayRetain(topics, packet.topic)) {
      // An empty one is a clearing (ours, echoed back): nothing to handle.
      if (payload.length === 0) return;
      this.clearRetained(packet.topic, 'deviceId' in parsed ? parsed.deviceId : undefined);
    }
    switch (parsed.kind) {
      case 'clip-init':
        return this.answer(parsed.deviceId, await ingest.init(parsed.deviceId, parsed.clipId, payload));
      case 'clip-chunk':
        return ingest.chunk(parsed.deviceId, parsed.clipId, parsed.offset, payload);
      case 'clip-fin':
        return this.finInBackground(parsed.deviceId, parsed.clipId, payload);
      case 'status':
        return this.report(parsed.deviceId, 'status', reports.status(parsed.deviceId, payload));
      case 'heartbeat':
        return this.report(parsed.deviceId, 'heartbeat', reports.heartbeat(parsed.deviceId, payload));
      case 'config-state':
        return reports.configState(parsed.deviceId, payload);
      case 'response':
        return this.options.onResponse(parsed.deviceId, parsed.name, payload);
      case 'ack':
      case 'config':
      case 'request':
        return;
    }
  }

  /**
   * Statuses and heartbeats are acknowledged on receipt and committed in groups (see
   * ReportBatch): waiting for each commit would hold every message behind it, one fsync each.
   * A crash within the commit delay loses them, which costs little: a heartbeat is a sample and
   * the next follows; a status stays retained at the broker and every device repeats it on
   * every connection.
   */
  private report(deviceId: string, what: string, committed: Promise<void>): void {
    committed.catch((error: unknown) =>
      this.options.logger.error({ deviceId, err: error }, `device ${what} not stored; the device repeats it`),
    );
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

  /**
   * A device retained a message where none belongs (a clip chunk, a heartbeat): the embedded
   * broker never keeps one, but Mosquitto cannot refuse it, so the server clears it. The message
   * itself is still handled: it is a valid message, only wrongly kept.
   */
  private clearRetained(topic: string, deviceId: string | undefined): void {
    const { client, logger } = this.options;
    logger.warn({ topic, deviceId }, 'retained message cleared: only status and config topics keep one');
    client
      .clearRetained(topic)
      .catch((error: unknown) => logger.warn({ topic, err: error }, 'retained message not cleared'));
  }

  private answer(deviceId: string, ack: ClipAck | undefined): void {
    if (!ack) return;
    // Not awaited: mqtt.js reads no further packet (our PUBACK among them) until this message's
    // handler is done. A lost answer costs nothing: the device asks again with a fin.
    this.options.client
      .reply(this.options.topics.ack(deviceId), JSON.stringify(ack))
      .catch((error: unknown) =>
        this.options.logger.warn({ deviceId, clipId: ack.clipId, err: error }, 'answer not sent'),
      );
  }
}
