import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import type { Logger } from '@earshot/shared/log';
import type { Topics } from '@earshot/shared/protocol';
import { Aedes } from 'aedes';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  topics: Topics;
  maxMessageBytes: number;
  logger: Logger;
}

const DEVICE_CLIENT_PREFIX = 'earshot-device-';

/**
 * The one-machine broker: aedes in the server's process. aedes has no maximum packet size, so
 * the limit is enforced here on every publish; and a device client (`earshot-device-<id>`) may
 * only publish and subscribe inside its own topic subtree.
 */
export class EmbeddedBroker {
  private broker: Aedes | undefined;
  private server: Server | undefined;

  constructor(private readonly options: EmbeddedBrokerOptions) {}

  async start(): Promise<AddressInfo> {
    const { topics, maxMessageBytes, logger } = this.options;
    const broker = await Aedes.createBroker({
      authorizePublish: (client, packet, callback) => {
        if (packet.topic.startsWith('$SYS')) return callback(new Error('$SYS is read-only'));
        const size = typeof packet.payload === 'string' ? Buffer.byteLength(packet.payload) : packet.payload.length;
        if (size > maxMessageBytes) {
          logger.warn(
            { clientId: client?.id, topic: packet.topic, size, maxMessageBytes },
            'oversized message refused',
          );
          return callback(new Error('message too large'));
        }
        const deviceId = deviceOf(client?.id);
        if (deviceId !== undefined && !packet.topic.startsWith(`${topics.device(deviceId)}/`)) {
          logger.warn(
            { clientId: client?.id, topic: packet.topic },
            'device publishing outside its own topics refused',
          );
          return callback(new Error('not authorised'));
        }
        callback(null);
      },
      authorizeSubscribe: (client, subscription, callback) => {
        const deviceId = deviceOf(client.id);
        if (deviceId !== undefined && !subscription.topic.startsWith(`${topics.device(deviceId)}/`)) {
          logger.warn(
            { clientId: client.id, topic: subscription.topic },
            'device subscribing outside its own topics refused',
          );
          return callback(new Error('not authorised'));
        }
        callback(null, subscription);
      },
    });
    broker.on('clientError', (client, error) => logger.debug({ clientId: client.id, err: error }, 'mqtt client error'));
    this.broker = broker;
    const server = createServer(broker.handle);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    logger.info({ port: address.port }, 'embedded MQTT broker listening');
    return address;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.broker ? this.broker.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function deviceOf(clientId: string | undefined): string | undefined {
  return clientId?.startsWith(DEVICE_CLIENT_PREFIX) ? clientId.slice(DEVICE_CLIENT_PREFIX.length) : undefined;
}
