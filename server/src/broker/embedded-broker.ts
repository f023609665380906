import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import type { Logger } from '@earshot/shared/log';
import type { Topics } from '@earshot/shared/protocol';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { AccountRole, MqttAccounts } from '../devices/mqtt-accounts.js';
import { deviceOfClientId, mayUseClientId, SERVER_CLIENT_PREFIX } from './client-id-policy.js';
import { LoginThrottle } from './login-throttle.js';
import { mayRetain } from './retain-policy.js';

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
  /** Slows password guessing; default: 5 failures per username and address, 50 per address. */
  loginThrottle?: LoginThrottle;
}

const DEFAULT_THROTTLE = { failuresPerLogin: 5, failuresPerAddress: 50, baseDelayMs: 1000, maxDelayMs: 15 * 60_000 };

/** Who a connected client proved to be. */
interface Identity {
  role: AccountRole;
  /** For a device: its id, which is its username. */
  deviceId: string | undefined;
}

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
  private readonly throttle: LoginThrottle;

  constructor(private readonly options: EmbeddedBrokerOptions) {
    this.throttle = options.loginThrottle ?? new LoginThrottle(DEFAULT_THROTTLE);
  }

  async start(): Promise<AddressInfo> {
    const { maxMessageBytes, logger } = this.options;
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, callback) => {
        const refuse = (returnCode: AuthenticateError['returnCode'], message: string) => {
          const error = new Error(message) as AuthenticateError;
          error.returnCode = returnCode;
          callback(error, false);
        };
        const address = addressOf(client);
        const waitMs = this.throttle.waitMs(username ?? '', address);
        if (waitMs > 0) {
          logger.warn({ clientId: client.id, username, address, waitMs }, 'MQTT login refused: too many failures');
          return refuse(4, 'too many failed logins');
        }
        this.authenticate(client, username, password?.toString('utf8')).then(
          (identity) => {
            if (!identity) {
              this.throttle.failed(username ?? '', address);
              logger.warn(
                { clientId: client.id, username, address },
                'MQTT login refused: unknown account or wrong password',
              );
              return refuse(4, 'bad username or password');
            }
            this.throttle.succeeded(username ?? '', address);
            if (!this.clientIdAllowed(identity, client.id)) {
              logger.warn(
                { clientId: client.id, username, address, role: identity.role },
                "MQTT login refused: client id not this account's (session takeover)",
              );
              return refuse(2, 'client id not allowed for this account');
            }
            this.identities.set(client, identity);
            callback(null, true);
          },
          (error: unknown) => {
            logger.error({ clientId: client.id, err: error }, 'MQTT login failed: account check errored');
            refuse(3, 'server unavailable');
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
        if (packet.retain && !mayRetain(this.options.topics, packet.topic)) {
          // Delivered, not kept: nothing but state is parked in the broker's memory.
          logger.warn({ clientId: client?.id, topic: packet.topic }, 'retain flag dropped: topic is not retained');
          packet.retain = false;
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

  /** Development without accounts binds nothing but the server's own ids. */
  private clientIdAllowed(identity: Identity, clientId: string): boolean {
    if (this.options.accounts || identity.role === 'server') return mayUseClientId(identity, clientId);
    return !clientId.startsWith(SERVER_CLIENT_PREFIX);
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

/** The client's network address, for throttling and logs ("unknown" for a stream without one). */
function addressOf(client: Client): string {
  return (client.conn as { remoteAddress?: string }).remoteAddress ?? 'unknown';
}
