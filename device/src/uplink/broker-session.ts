import type { Logger } from '@earshot/shared/log';
import type { Topics } from '@earshot/shared/protocol';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { Backoff } from './backoff.js';
import { Disconnected, type Publisher } from './publisher.js';
import { RateLimiter } from './rate-limiter.js';

export interface BrokerSessionOptions {
  url: string;
  deviceId: string;
  topics: Topics;
  username?: string | undefined;
  password?: string | undefined;
  /**
   * The password the broker accepted before a rotation whose new `password` it may not know yet
   * (an external broker learns it at its next password-file reload): used when `password` is refused.
   */
  previousPassword?: string | undefined;
  /** While logged in with previousPassword, how often to reconnect to try `password` again (default 5 min). */
  newPasswordRetryMs?: number | undefined;
  /** PEM CA certificate(s) for mqtts:// with a private CA. */
  ca?: Buffer | undefined;
  /** Publishes per second at most, all topics together. */
  publishesPerSecond: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Announced in the retained "online" status. */
  version: string;
  logger: Logger;
  /** Subscribed at every connection. */
  subscriptions: string[];
  /**
   * Stores the MQTT password and the one to fall back on durably (see
   * config/credentials-file.ts); called without a previous one once the broker has accepted the new one.
   */
  storePassword: (password: string, previousPassword: string | undefined) => Promise<void>;
  /** Connected, "online" announced and subscribed. */
  onReady: () => void;
  /** The connection is gone (a reconnection follows unless stopped). */
  onClosed: () => void;
  onMessage: (topic: string, payload: Buffer) => void;
}

/** CONNACK codes meaning "this broker does not speak MQTT 5" (3.1.1: 1; 5: 0x84). */
const UNSUPPORTED_PROTOCOL = new Set([1, 0x84]);

/** CONNACK codes refusing the login (3.1.1: 4 bad user name or password, 5 not authorised; 5: 0x86, 0x87). */
const BAD_CREDENTIALS = new Set([4, 5, 0x86, 0x87]);

const DEFAULT_NEW_PASSWORD_RETRY_MS = 5 * 60_000;

/**
 * Whether a refused CONNECT should be followed at once by one with the previous password: only
 * when the refusal is about the credentials, the refused login used the new password, and there
 * is a previous one. A refused previous password goes through the usual backoff.
 */
export function fallBackToPreviousPassword(code: unknown, usedPrevious: boolean, hasPrevious: boolean): boolean {
  return typeof code === 'number' && BAD_CREDENTIALS.has(code) && !usedPrevious && hasPrevious;
}

/**
 * The device's connection to the broker and its state. Reconnection is ours, not MQTT.js's
 * (exponential backoff with full jitter); MQTT 5 falls back to 3.1.1 once a broker refuses it;
 * during a credential rotation a refused new password falls back to the previous one, and the new
 * one is tried again later. The retained status says "online" at every connection (a broker
 * restart may have lost it) and "offline" at a clean stop, and the Last Will says it at a crash.
 */
export class BrokerSession implements Publisher {
  private client: MqttClient | undefined;
  private stopped = false;
  /** Rejects the waits of the current connection when it drops. */
  private connection = new AbortController();
  private readonly backoff: Backoff;
  private readonly limiter: RateLimiter;
  private protocolVersion: 4 | 5 = 5;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Replaced by a credential rotation. */
  private password: string | undefined;
  /** Kept until the broker accepts `password`. */
  private previousPassword: string | undefined;
  /** The current (or next) connection logs in with previousPassword. */
  private usingPrevious = false;
  private newPasswordTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: BrokerSessionOptions) {
    this.password = options.password;
    this.previousPassword = options.previousPassword;
    this.backoff = new Backoff(options.reconnectMinMs, options.reconnectMaxMs);
    this.limiter = new RateLimiter(options.publishesPerSecond);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  get signal(): AbortSignal {
    return this.connection.signal;
  }

  get mqttVersion(): 4 | 5 {
    return this.protocolVersion;
  }

  /** The password of the current connection. */
  get loginPassword(): string | undefined {
    return this.usingPrevious && this.previousPassword !== undefined ? this.previousPassword : this.password;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.newPasswordTimer);
    const client = this.client;
    if (!client) return;
    this.connection.abort(new Disconnected());
    if (client.connected) {
      await client
        .publishAsync(this.options.topics.status(this.options.deviceId), JSON.stringify({ state: 'offline' }), {
          qos: 1,
          retain: true,
        })
        .catch(() => undefined);
    }
    await client.endAsync(true);
  }

  async publish(topic: string, payload: string | Buffer, retain = false): Promise<void> {
    await this.limiter.take();
    const client = this.client;
    const signal = this.connection.signal;
    if (!client?.connected || signal.aborted) throw new Disconnected();
    await raceAbort(client.publishAsync(topic, payload, { qos: 1, retain }), signal);
  }

  /**
   * A rotated password, already stored: log in with it from now on, keeping `previous` (the
   * one this connection logged in with, known to work) until the broker accepts the new one.
   * Ends the current connection the usual way: the close handler reconnects with the new one.
   */
  usePassword(password: string, previous: string | undefined): void {
    this.previousPassword = previous;
    this.password = password;
    this.usingPrevious = false;
    this.client?.end(false);
  }

  private connect(): void {
    const { topics, deviceId, logger } = this.options;
    const statusTopic = topics.status(deviceId);
    const version = this.protocolVersion;
    const usedPrevious = this.usingPrevious && this.previousPassword !== undefined;
    const options: IClientOptions = {
      clientId: `earshot-device-${deviceId}`,
      username: this.options.username,
      password: usedPrevious ? this.previousPassword : this.password,
      protocolVersion: version,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 15_000,
      will: { topic: statusTopic, payload: Buffer.from(JSON.stringify({ state: 'offline' })), qos: 1, retain: true },
    };
    if (this.options.ca) options.ca = this.options.ca;
    const client = connect(this.options.url, options);
    this.client = client;
    let refusedVersion = false;
    let refusedPassword = false;
    client.on('connect', () => {
      this.backoff.reset();
      this.connection = new AbortController();
      logger.info(
        { url: this.options.url, mqttVersion: version, previousPassword: usedPrevious },
        'connected to broker',
      );
      this.loggedIn(client, usedPrevious);
      const online = JSON.stringify({ state: 'online', at: new Date().toISOString(), version: this.options.version });
      // Republished on every connection: a broker restart may have lost the retained "online".
      Promise.all([
        client.publishAsync(statusTopic, online, { qos: 1, retain: true }),
        client.subscribeAsync(Object.fromEntries(this.options.subscriptions.map((topic) => [topic, { qos: 1 }]))),
      ])
        .then(() => this.options.onReady())
        .catch((error: unknown) => logger.warn({ err: error }, 'could not announce on connect'));
    });
    client.on('error', (error) => {
      const code = (error as { code?: unknown }).code;
      if (version === 5 && typeof code === 'number' && UNSUPPORTED_PROTOCOL.has(code)) {
        refusedVersion = true;
        return;
      }
      if (fallBackToPreviousPassword(code, usedPrevious, this.previousPassword !== undefined)) {
        refusedPassword = true;
        return;
      }
      logger.warn({ err: error }, 'broker connection error');
    });
    client.on('close', () => {
      this.connection.abort(new Disconnected());
      clearTimeout(this.newPasswordTimer);
      this.options.onClosed();
      client.removeAllListeners();
      // A late error must not crash the process once our listeners are gone.
      client.on('error', () => undefined);
      client.end(true);
      if (this.stopped || this.client !== client) return;
      if (refusedVersion) {
        logger.info('broker does not speak MQTT 5; using MQTT 3.1.1');
        this.protocolVersion = 4;
        this.connect();
        return;
      }
      if (refusedPassword) {
        logger.warn(
          'broker refused the new MQTT password (its password file not reloaded yet?); logging in with the previous one',
        );
        this.usingPrevious = true;
        this.connect();
        return;
      }
      // Every reconnection tries the newest password first.
      this.usingPrevious = false;
      const delay = this.backoff.next();
      logger.info({ inMs: Math.round(delay) }, 'disconnected; reconnecting');
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    });
    client.on('message', (topic, payload) => this.options.onMessage(topic, payload));
  }

  /**
   * Logged in with the new password: the previous one is no longer needed. Logged in with the
   * previous one: try the new one again later, through a reconnection.
   */
  private loggedIn(client: MqttClient, usedPrevious: boolean): void {
    const { logger } = this.options;
    if (usedPrevious) {
      clearTimeout(this.newPasswordTimer);
      this.newPasswordTimer = setTimeout(() => {
        logger.info('reconnecting to try the new MQTT password again');
        client.end(false);
      }, this.options.newPasswordRetryMs ?? DEFAULT_NEW_PASSWORD_RETRY_MS);
      return;
    }
    const password = this.password;
    if (this.previousPassword === undefined || password === undefined) return;
    this.previousPassword = undefined;
    void this.options
      .storePassword(password, undefined)
      .then(() => logger.info('broker accepted the new MQTT password; previous one forgotten'))
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'could not drop the previous MQTT password from the file'),
      );
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Disconnected());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Disconnected());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: Error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
