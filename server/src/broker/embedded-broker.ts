import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import type { Logger } from '@earshot/shared/log';
import type { Topics } from '@earshot/shared/protocol';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { AccountRole, MqttAccounts } from '../devices/mqtt-accounts.js';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  topics: Topics;
  maxMessageBytes: number;
  /** Checks usernames and passwords; absent: anyone may connect (development only). */
  accounts: MqttAccounts | undefined;
  /** mqtts: key and certificate; absent: plain TCP. */
  tls?: TlsOptions | undefined;
  logger: Logger;
}

/** Who a connected client proved to be. */
interface Identity {
  role: AccountRole;
  /** For a device: its id, which is its username. */
  deviceId: string | undefined;
}

const DEVICE_CLIENT_PREFIX = 'earshot-device-';

/**
 * The one-machine broker: aedes in the server's process. Every client logs in with an account
 * from the database (a device's username is its device id); a device may publish only its own
 * status, heartbeat, config state and clips, and subscribe only to its own acks and config.
 * aedes has no maximum packet size, so the limit is enforced here on every publish. The server's
 * own ingest client logs in with a secret made at start-up (`internalLogin`). A device also
 * answers the server's requests (`response/<name>`) and reads them (`request/<name>`).
 */
export class EmbeddedBroker {
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private readonly identities = new WeakMap<Client, Identity>();
  /** Decommissioned devices whose open connections may publish nothing more. */
  private readonly cutOff = new Set<string>();
  /** The in-process ingest client's credentials; never leave this process. */
  readonly internalLogin = { username: 'earshot-server-internal', password: randomBytes(32).toString('base64url') };

  constructor(private readonly options: EmbeddedBrokerOptions) {}

  async start(): Promise<AddressInfo> {
    const { maxMessageBytes, logger } = this.options;
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, callback) => {
        this.authenticate(client, username, password?.toString('utf8')).then(
          (identity) => {
            if (identity) {
              this.identities.set(client, identity);
              return callback(null, true);
            }
            logger.warn({ clientId: client.id, username }, 'MQTT login refused: unknown account or wrong password');
            const error = new Error('bad username or password') as AuthenticateError;
            error.returnCode = 4;
            callback(error, false);
          },
          (error: unknown) => {
            logger.error({ clientId: client.id, err: error }, 'MQTT login failed: account check errored');
            const refusal = new Error('server unavailable') as AuthenticateError;
            refusal.returnCode = 3;
            callback(refusal, false);
          },
        );
      },
      authorizePublish: (client, packet, callback) => {
        if (packet.topic.startsWith('$')) return callback(new Error('topics starting with $ are read-only'));
        const size = typeof packet.payload === 'string' ? Buffer.byteLength(packet.payload) : packet.payload.length;
        if (size > maxMessageBytes) {
          logger.warn(
            { clientId: client?.id, topic: packet.topic, size, maxMessageBytes },
            'oversized message refused',
          );
          return callback(new Error('message too large'));
        }
        const identity = client ? this.identityOf(client) : undefined;
        if (identity?.deviceId !== undefined && this.cutOff.has(identity.deviceId)) {
          return callback(new Error('device decommissioned'));
        }
        if (identity?.deviceId !== undefined && !this.devicePublishes(identity.deviceId, packet.topic)) {
          logger.warn(
            { clientId: client?.id, deviceId: identity.deviceId, topic: packet.topic },
            'device publishing outside its own topics refused (topic spoofing)',
          );
          return callback(new Error('not authorised'));
        }
        callback(null);
      },
      authorizeSubscribe: (client, subscription, callback) => {
        const identity = this.identityOf(client);
        if (identity?.deviceId !== undefined && !this.deviceReads(identity.deviceId, subscription.topic)) {
          logger.warn(
            { clientId: client.id, deviceId: identity.deviceId, topic: subscription.topic },
            'device subscribing outside its own topics refused',
          );
          return callback(new Error('not authorised'));
        }
        callback(null, subscription);
      },
    });
    broker.on('clientError', (client, error) => logger.debug({ clientId: client.id, err: error }, 'mqtt client error'));
    this.broker = broker;
    const server = this.options.tls ? createTlsServer(this.options.tls, broker.handle) : createServer(broker.handle);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    logger.info(
      { port: address.port, tls: this.options.tls !== undefined, authentication: this.options.accounts !== undefined },
      'embedded MQTT broker listening',
    );
    return address;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.broker ? this.broker.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async authenticate(
    client: Client,
    username: string | undefined,
    password: string | undefined,
  ): Promise<Identity | undefined> {
    const { accounts } = this.options;
    if (username === this.internalLogin.username) {
      return password === this.internalLogin.password ? { role: 'server', deviceId: undefined } : undefined;
    }
    if (!accounts) return { role: 'device', deviceId: deviceOfClientId(client.id) };
    if (username === undefined || password === undefined) return undefined;
    const role = await accounts.authenticate(username, password);
    if (role === undefined) return undefined;
    return { role, deviceId: role === 'device' ? username : undefined };
  }

  private identityOf(client: Client): Identity | undefined {
    return this.identities.get(client);
  }

  private devicePublishes(deviceId: string, topic: string): boolean {
    const { topics } = this.options;
    return (
      topic === topics.status(deviceId) ||
      topic === topics.heartbeat(deviceId) ||
      topic === topics.configState(deviceId) ||
      topic.startsWith(`${topics.device(deviceId)}/response/`) ||
      topic.startsWith(`${topics.device(deviceId)}/clip/`)
    );
  }

  private deviceReads(deviceId: string, filter: string): boolean {
    const { topics } = this.options;
    return (
      filter === topics.ack(deviceId) ||
      filter === topics.config(deviceId) ||
      filter.startsWith(`${topics.device(deviceId)}/request/`)
    );
  }

  /**
   * Closes a decommissioned device's connections. Its publishes are refused from now on, its Last
   * Will too: the server empties the device's retained status itself, and a late "offline" must
   * not refill it.
   */
  disconnectDevice(deviceId: string): void {
    this.cutOff.add(deviceId);
    const clients = (this.broker as unknown as { clients: Record<string, Client> } | undefined)?.clients ?? {};
    for (const client of Object.values(clients)) {
      if (this.identityOf(client)?.deviceId === deviceId) client.close();
    }
  }
}

/** Without accounts (development), a device is known by its client id alone. */
function deviceOfClientId(clientId: string): string | undefined {
  return clientId.startsWith(DEVICE_CLIENT_PREFIX) ? clientId.slice(DEVICE_CLIENT_PREFIX.length) : undefined;
}
