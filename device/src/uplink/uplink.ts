import { BrokerSession, type BrokerSessionOptions } from './broker-session.js';
import { ClipSender, type ClipSenderOptions } from './clip-sender.js';
import { DeviceRequests, type DeviceRequestsOptions } from './device-requests.js';
import { type HeartbeatContents, Heartbeats } from './heartbeats.js';

/**
 * Everything the parts need, less what the uplink itself connects between them (the session's
 * subscriptions and events, the parts' publisher).
 */
export type UplinkOptions = Omit<BrokerSessionOptions, 'subscriptions' | 'onReady' | 'onClosed' | 'onMessage'> &
  Omit<ClipSenderOptions, 'link'> &
  Pick<DeviceRequestsOptions, 'applyConfig' | 'press'> & {
    heartbeatMs: number;
    /** The heartbeat's contents, asked for at every beat. */
    heartbeat: () => Promise<HeartbeatContents>;
  };

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
