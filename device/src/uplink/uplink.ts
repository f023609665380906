import type { Logger } from '@earshot/shared/log';
import type { RemoteConfig, Topics } from '@earshot/shared/protocol';
import type { Outbox } from '../outbox/outbox.js';
import { BrokerSession } from './broker-session.js';
import { ClipSender } from './clip-sender.js';
import { DeviceRequests } from './device-requests.js';
import { type HeartbeatContents, Heartbeats } from './heartbeats.js';

export interface UplinkOptions {
  url: string;
  deviceId: string;
  topics: Topics;
  username?: string | undefined;
  password?: string | undefined;
  /** See BrokerSessionOptions. */
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
  heartbeat: () => Promise<HeartbeatContents>;
  /** Validates and applies a remote configuration; throws an Error whose message is the reason to refuse it. */
  applyConfig: (config: RemoteConfig) => Promise<void>;
  /** Presses `button` through the device's normal press path and returns the clip id; throws to refuse. */
  press: (button: number) => string;
  onDelivered: (clipId: string) => void;
  /**
   * Stores the MQTT password and the one to fall back on durably (see
   * config/credentials-file.ts): at a rotation (the uplink then answers and reconnects with the
   * new one), and without a previous one once the broker has accepted the new one. Throws to
   * refuse a rotation.
   */
  storePassword: (password: string, previousPassword: string | undefined) => Promise<void>;
}

/**
 * The device's side of MQTT, put together: the broker session (connection and its state), the
 * clip sender (the transfer protocol), the device requests (remote configuration, test press,
 * credential rotation) and the heartbeats.
 */
export class Uplink {
  private readonly session: BrokerSession;
  private readonly sender: ClipSender;
  private readonly requests: DeviceRequests;
  private readonly heartbeats: Heartbeats;

  constructor(options: UplinkOptions) {
    const { deviceId, topics, logger } = options;
    const link = {
      get connected() {
        return session.connected;
      },
      get signal() {
        return session.signal;
      },
      publish: (topic: string, payload: string | Buffer, retain?: boolean) => session.publish(topic, payload, retain),
    };
    this.sender = new ClipSender({ ...options, link });
    this.requests = new DeviceRequests({
      deviceId,
      topics,
      link,
      logger,
      applyConfig: options.applyConfig,
      press: options.press,
      storePassword: options.storePassword,
      loginPassword: () => session.loginPassword,
      usePassword: (password, previous) => session.usePassword(password, previous),
    });
    this.heartbeats = new Heartbeats({
      deviceId,
      topics,
      link,
      intervalMs: options.heartbeatMs,
      version: options.version,
      logger,
      contents: options.heartbeat,
      configVersion: () => this.requests.configVersion,
    });
    const session = new BrokerSession({
      ...options,
      subscriptions: [topics.ack(deviceId), ...this.requests.subscriptions()],
      onReady: () => {
        this.heartbeats.start();
        this.sender.kick();
      },
      onClosed: () => this.heartbeats.stop(),
      onMessage: (topic, payload) => {
        if (!this.requests.handle(topic, payload)) this.sender.answered(topic, payload);
      },
    });
    this.session = session;
  }

  get connected(): boolean {
    return this.session.connected;
  }

  get mqttVersion(): 4 | 5 {
    return this.session.mqttVersion;
  }

  get configVersion(): number | null {
    return this.requests.configVersion;
  }

  start(): void {
    this.sender.start();
    this.session.start();
  }

  /** A new clip is in the outbox: send it when connected. */
  kick(newClipId?: string): void {
    this.sender.kick(newClipId);
  }

  async stop(): Promise<void> {
    this.sender.stop();
    this.heartbeats.stop();
    await this.session.stop();
  }
}
