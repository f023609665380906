import type { Logger } from '@earshot/shared/log';
import {
  type ClipAck,
  type ConfigState,
  type CredentialsResponse,
  type DeviceHeartbeat,
  decoders,
  MessageError,
  type PressRequest,
  type PressResponse,
  type RemoteConfig,
  type Topics,
} from '@earshot/shared/protocol';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Outbox, OutboxEntry } from '../outbox/outbox.js';
import { Backoff } from './backoff.js';
import { RateLimiter } from './rate-limiter.js';

export interface UplinkOptions {
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
  newPasswordRetryMs?: number;
  /** PEM CA certificate(s) for mqtts:// with a private CA. */
  ca?: Buffer | undefined;
  chunkBytes: number;
  /** Chunk publishes awaiting PUBACK at once. */
  inflight: number;
  /** Publishes per second at most, all topics together. */
  publishesPerSecond: number;
  /** How long to wait for the server's answer to a fin before asking again. */
  ackTimeoutMs: number;
  /** Unanswered fins per attempt before the clip waits for the next drain. */
  finRounds: number;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  heartbeatMs: number;
  version: string;
  outbox: Outbox;
  logger: Logger;
  /** The heartbeat's contents, asked for at every beat. */
  heartbeat?: () => Promise<Omit<DeviceHeartbeat, 'at' | 'version' | 'configVersion'>>;
  /** Validates and applies a remote configuration; throws an Error whose message is the reason to refuse it. */
  applyConfig?: (config: RemoteConfig) => Promise<void>;
  /** Presses `button` through the device's normal press path and returns the clip id; throws to refuse. */
  press?: (button: number) => string;
  onDelivered?: (clipId: string) => void;
  /**
   * Stores the MQTT password and the one to fall back on durably (see
   * config/credentials-file.ts): at a rotation (the uplink then answers and reconnects with the
   * new one), and without a previous one once the broker has accepted the new one. Absent:
   * rotation requests are refused.
   */
  storePassword?: (password: string, previousPassword: string | undefined) => Promise<void>;
}

class Disconnected extends Error {
  constructor() {
    super('disconnected from the broker');
  }
}

/** Rounds of a clip per drain; the server answering "incomplete" again and again ends here. */
const MAX_ROUNDS = 20;

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
 * Sends the outbox to the server over MQTT and deletes a clip only on the server's "complete".
 * A clip goes as init, chunks addressed by byte offset, then fin; the answer to fin is complete,
 * incomplete (with the byte ranges to resend) or rejected. A clip that was already under way
 * (from before a disconnection or a restart) starts with a fin alone, which asks the server what
 * it lacks, so only missing ranges travel again. After any disconnection the drain starts over
 * from the outbox, so nothing depends on MQTT.js's in-memory queue; reconnection is ours too
 * (exponential backoff with full jitter), and MQTT 5 falls back to 3.1.1 once a broker refuses it.
 */
export class Uplink {
  private client: MqttClient | undefined;
  private readonly waiters = new Map<string, (ack: ClipAck) => void>();
  private draining = false;
  private again = false;
  private stopped = false;
  /** Rejects the waits of the current connection when it drops. */
  private connection = new AbortController();
  private readonly backoff: Backoff;
  private readonly limiter: RateLimiter;
  private protocolVersion: 4 | 5 = 5;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();
  /** Clips put in the outbox by this process and not yet attempted: these go whole at once. */
  private readonly fresh = new Set<string>();
  private appliedConfigVersion: number | null = null;
  /** Replaced by a credential rotation. */
  private password: string | undefined;
  /** Kept until the broker accepts `password`. */
  private previousPassword: string | undefined;
  /** The current (or next) connection logs in with previousPassword. */
  private usingPrevious = false;
  private newPasswordTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: UplinkOptions) {
    this.password = options.password;
    this.previousPassword = options.previousPassword;
    this.backoff = new Backoff(options.reconnectMinMs, options.reconnectMaxMs);
    this.limiter = new RateLimiter(options.publishesPerSecond);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  get mqttVersion(): 4 | 5 {
    return this.protocolVersion;
  }

  get configVersion(): number | null {
    return this.appliedConfigVersion;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** New clips are in the outbox: send them when connected. */
  kick(newClipId?: string): void {
    if (newClipId !== undefined) this.fresh.add(newClipId);
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = true;
    void this.drain().finally(() => {
      this.draining = false;
      // A kick that arrived while a drain was unwinding from a disconnection (the reconnection's
      // own kick, typically) must not be lost.
      if (this.again && this.connected) this.kick();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.newPasswordTimer);
    clearInterval(this.heartbeatTimer);
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
        client.subscribeAsync({
          [topics.ack(deviceId)]: { qos: 1 },
          [topics.config(deviceId)]: { qos: 1 },
          [topics.request(deviceId, 'credentials')]: { qos: 1 },
          [topics.request(deviceId, 'press')]: { qos: 1 },
        }),
      ])
        .then(() => {
          void this.beat();
          this.kick();
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'could not announce on connect'));
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = setInterval(() => void this.beat(), this.options.heartbeatMs);
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
      clearInterval(this.heartbeatTimer);
      clearTimeout(this.newPasswordTimer);
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
    client.on('message', (topic, payload) => {
      if (topic === topics.config(deviceId)) void this.handleConfig(payload);
      else if (topic === topics.request(deviceId, 'credentials')) void this.handleCredentials(client, payload);
      else if (topic === topics.request(deviceId, 'press')) void this.handlePressRequest(payload);
      else this.handleAck(topic, payload);
    });
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
      .storePassword?.(password, undefined)
      .then(() => logger.info('broker accepted the new MQTT password; previous one forgotten'))
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'could not drop the previous MQTT password from the file'),
      );
  }

  private async drain(): Promise<void> {
    let unanswered = false;
    do {
      this.again = false;
      for (const entry of await this.options.outbox.list()) {
        if (!this.connected) return;
        try {
          await this.deliver(entry);
        } catch (error) {
          if (error instanceof Disconnected) return;
          unanswered = true;
          this.options.logger.warn({ clipId: entry.meta.clipId, err: error }, 'clip not delivered yet; will retry');
        }
      }
    } while (this.again);
    // Connected but unanswered (no server subscribed yet, or one busy restarting): try again
    // later rather than wait for the next press or reconnection.
    if (unanswered && !this.stopped) {
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.kick(), this.options.ackTimeoutMs);
    }
  }

  private async deliver(entry: OutboxEntry): Promise<void> {
    const { topics, deviceId, logger } = this.options;
    const clipId = entry.meta.clipId;
    const audio = await this.options.outbox.readAudio(entry);
    const init = JSON.stringify({
      ...entry.meta,
      size: entry.size,
      sha256: entry.sha256,
      chunkSize: this.options.chunkBytes,
    });
    const fin = JSON.stringify({ size: entry.size, sha256: entry.sha256 });
    // A clip seen before (an earlier connection or process) may be partly or wholly on the
    // server already: ask first, with a fin alone.
    let ranges: [number, number][] = this.fresh.delete(clipId) ? [[0, entry.size]] : [];
    let silentRounds = 0;
    for (let round = 0; round < MAX_ROUNDS && silentRounds < this.options.finRounds; round++) {
      // Listening from the start: the server may refuse the init itself.
      const answer = this.waitForAck(clipId);
      if (ranges.length > 0) {
        // init is idempotent and cheap; resending it covers a server that lost the transfer.
        await this.publish(topics.clipInit(deviceId, clipId), init);
        await this.sendRanges(entry, audio, ranges);
      }
      await this.publish(topics.clipFin(deviceId, clipId), fin);
      answer.arm();
      const ack = await answer.promise;
      if (ack === undefined) {
        silentRounds++;
        ranges = [];
        continue;
      }
      if (ack.status === 'complete') {
        await this.options.outbox.remove(clipId);
        logger.info({ clipId, storageKey: ack.storageKey }, 'clip delivered');
        this.options.onDelivered?.(clipId);
        return;
      }
      if (ack.status === 'rejected') {
        logger.error({ clipId, reason: ack.reason }, 'server rejected clip; kept in outbox/rejected');
        await this.options.outbox.reject(clipId, ack.reason);
        return;
      }
      logger.info({ clipId, missing: ack.missing.length }, 'server is missing parts of the clip; sending them');
      ranges = ack.missing;
    }
    throw new Error(`no final answer from the server (${silentRounds} fins unanswered)`);
  }

  /** Publishes chunks covering `ranges`, at most `inflight` unacknowledged at a time. */
  private async sendRanges(entry: OutboxEntry, audio: Buffer, ranges: [number, number][]): Promise<void> {
    const { topics, deviceId, chunkBytes, inflight } = this.options;
    const offsets: number[] = [];
    for (const [start, end] of ranges) {
      for (let at = start - (start % chunkBytes); at < Math.min(end, entry.size); at += chunkBytes) offsets.push(at);
    }
    let next = 0;
    const worker = async () => {
      while (next < offsets.length) {
        const offset = offsets[next++] as number;
        const chunk = audio.subarray(offset, Math.min(offset + chunkBytes, entry.size));
        await this.publish(topics.clipChunk(deviceId, entry.meta.clipId, offset), chunk);
      }
    };
    await Promise.all(Array.from({ length: Math.min(inflight, offsets.length) }, worker));
  }

  private async publish(topic: string, payload: string | Buffer, retain = false): Promise<void> {
    await this.limiter.take();
    const client = this.client;
    const signal = this.connection.signal;
    if (!client?.connected || signal.aborted) throw new Disconnected();
    await raceAbort(client.publishAsync(topic, payload, { qos: 1, retain }), signal);
  }

  private async beat(): Promise<void> {
    const { topics, deviceId, logger } = this.options;
    try {
      const body = this.options.heartbeat
        ? await this.options.heartbeat()
        : {
            uptimeSeconds: (Date.now() - this.startedAt) / 1000,
            mic: { state: 'unknown' as const },
            outbox: this.options.outbox.usage(),
            disk: { freeBytes: null },
            clock: { synchronized: null },
          };
      const heartbeat: DeviceHeartbeat = {
        at: new Date().toISOString(),
        version: this.options.version,
        configVersion: this.appliedConfigVersion,
        ...body,
      };
      await this.publish(topics.heartbeat(deviceId), JSON.stringify(heartbeat));
    } catch (error) {
      if (!(error instanceof Disconnected)) logger.warn({ err: error }, 'heartbeat not sent');
    }
  }

  private async handleConfig(payload: Buffer): Promise<void> {
    const { topics, deviceId, logger } = this.options;
    // An empty retained message clears the topic: nothing to apply.
    if (payload.length === 0) return;
    let state: ConfigState;
    let config: RemoteConfig | undefined;
    try {
      config = decoders.remoteConfig.decode(payload);
      if (config.version === this.appliedConfigVersion) return;
      if (!this.options.applyConfig) throw new Error('this device does not accept remote configuration');
      await this.options.applyConfig(config);
      this.appliedConfigVersion = config.version;
      state = { version: config.version, status: 'applied', at: new Date().toISOString() };
      logger.info({ configVersion: config.version }, 'remote configuration applied');
    } catch (error) {
      const reason = error instanceof MessageError || error instanceof Error ? error.message : String(error);
      state = {
        version: config?.version ?? null,
        status: 'rejected',
        reason,
        appliedVersion: this.appliedConfigVersion,
        at: new Date().toISOString(),
      };
      logger.error({ configVersion: config?.version, reason }, 'remote configuration rejected; keeping the old one');
    }
    await this.publish(topics.configState(deviceId), JSON.stringify(state), true).catch((error: unknown) =>
      logger.warn({ err: error }, 'config state not reported'),
    );
  }

  private async handlePressRequest(payload: Buffer): Promise<void> {
    const { topics, deviceId, logger } = this.options;
    let request: PressRequest;
    try {
      request = decoders.pressRequest.decode(payload);
    } catch (error) {
      logger.warn({ err: error }, 'ignored malformed press request');
      return;
    }
    let response: PressResponse;
    const at = new Date().toISOString();
    try {
      if (!this.options.press) throw new Error('this device does not accept remote presses');
      const clipId = this.options.press(request.button);
      response = { transaction: request.transaction, status: 'pressed', clipId, at };
      logger.info({ transaction: request.transaction, button: request.button, clipId }, 'remote test press');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      response = { transaction: request.transaction, status: 'refused', reason, at };
      logger.warn({ transaction: request.transaction, button: request.button, reason }, 'remote test press refused');
    }
    await this.publish(topics.response(deviceId, 'press'), JSON.stringify(response)).catch((error: unknown) =>
      logger.warn({ err: error }, 'press response not sent'),
    );
  }

  /**
   * A new password from the server: stored first, then acknowledged, then used. The current one
   * stays in the file beside it and is used whenever the broker refuses the new one (an external
   * broker knows it only once its password file is regenerated and reloaded), so a failure
   * anywhere here leaves a device that can still connect.
   */
  private async handleCredentials(client: MqttClient, payload: Buffer): Promise<void> {
    const { topics, deviceId, logger } = this.options;
    let answer: CredentialsResponse;
    let password: string | undefined;
    let transaction = 'unknown';
    // The one this connection logged in with is known to work: the fallback until the broker
    // accepts the new one.
    const accepted = this.loginPassword();
    try {
      const request = decoders.credentialsRequest.decode(payload);
      transaction = request.transaction;
      if (!this.options.storePassword) throw new Error('this device keeps no credentials file');
      await this.options.storePassword(request.password, accepted);
      password = request.password;
      answer = { transaction, status: 'ok' };
    } catch (error) {
      answer = { transaction, status: 'error', error: (error as Error).message };
      logger.error({ err: error }, 'credential rotation failed; keeping the current password');
    }
    await this.publish(topics.response(deviceId, 'credentials'), JSON.stringify(answer)).catch((error: unknown) =>
      logger.warn({ err: error }, 'credential rotation answer not sent'),
    );
    if (password === undefined) return;
    this.previousPassword = accepted;
    this.password = password;
    this.usingPrevious = false;
    logger.info('new MQTT password stored; reconnecting with it');
    // Closing ends this connection the usual way: the close handler reconnects, now with the new password.
    client.end(false);
  }

  /** The password of the current connection. */
  private loginPassword(): string | undefined {
    return this.usingPrevious && this.previousPassword !== undefined ? this.previousPassword : this.password;
  }

  /**
   * The next answer about `clipId`: `promise` resolves with it, or with undefined once `arm()`
   * has been called and the ack timeout has passed without one.
   */
  private waitForAck(clipId: string): { promise: Promise<ClipAck | undefined>; arm(): void } {
    const signal = this.connection.signal;
    let timer: NodeJS.Timeout | undefined;
    let settle: (ack: ClipAck | undefined) => void = () => undefined;
    const promise = new Promise<ClipAck | undefined>((resolve, reject) => {
      const cleanUp = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (this.waiters.get(clipId) === settle) this.waiters.delete(clipId);
      };
      const onAbort = () => {
        cleanUp();
        reject(new Disconnected());
      };
      settle = (ack) => {
        cleanUp();
        resolve(ack);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(clipId, settle);
    });
    // A send that fails before arm() leaves this promise behind; nobody awaits it then.
    promise.catch(() => undefined);
    return {
      promise,
      arm: () => {
        timer = setTimeout(() => settle(undefined), this.options.ackTimeoutMs);
      },
    };
  }

  private handleAck(topic: string, payload: Buffer): void {
    let ack: ClipAck;
    try {
      ack = decoders.clipAck.decode(payload);
    } catch (error) {
      this.options.logger.warn({ topic, err: error }, 'ignored malformed answer from the server');
      return;
    }
    this.waiters.get(ack.clipId)?.(ack);
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
