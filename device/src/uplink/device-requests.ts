import type { Logger } from '@earshot/shared/log';
import {
  type ConfigState,
  type CredentialsResponse,
  decoders,
  MessageError,
  type PressResponse,
  type RemoteConfig,
  type RequestName,
  type Topics,
} from '@earshot/shared/protocol';
import type { Publisher } from './publisher.js';

export interface DeviceRequestsOptions {
  deviceId: string;
  topics: Topics;
  link: Publisher;
  logger: Logger;
  /** Validates and applies a remote configuration; throws an Error whose message is the reason to refuse it. */
  applyConfig: (config: RemoteConfig) => Promise<void>;
  /** Presses `button` through the device's normal press path and returns the clip id; throws to refuse. */
  press: (button: number) => string;
  /** Stores a rotated MQTT password with the one to fall back on, durably; throws to refuse. */
  storePassword: (password: string, previousPassword: string | undefined) => Promise<void>;
  /** The password the current connection logged in with (known to work). */
  loginPassword: () => string | undefined;
  /** Logs in with the new password from now on, keeping the previous one until the broker accepts it. */
  usePassword: (password: string, previousPassword: string | undefined) => void;
}

/** A request's answer, and what to do once it is sent. */
interface Answer {
  body: PressResponse | CredentialsResponse;
  afterwards?: () => void;
}

/**
 * What the server asks of the device, the device side of the server's devices/device-link.ts:
 * the retained remote configuration (answered with a retained config state), and the requests on
 * `request/<name>` answered on `response/<name>` with the same transaction. One table, one
 * handler a request.
 */
export class DeviceRequests {
  private appliedConfigVersion: number | null = null;
  private readonly requests: Record<RequestName, (payload: Buffer) => Promise<Answer | undefined>> = {
    press: (payload) => this.press(payload),
    credentials: (payload) => this.credentials(payload),
  };

  constructor(private readonly options: DeviceRequestsOptions) {}

  /** The remote configuration in force, or null for none. */
  get configVersion(): number | null {
    return this.appliedConfigVersion;
  }

  /** The topics to subscribe to. */
  subscriptions(): string[] {
    const { topics, deviceId } = this.options;
    return [
      topics.config(deviceId),
      ...Object.keys(this.requests).map((name) => topics.request(deviceId, name as RequestName)),
    ];
  }

  /** Handles `topic` if it is one of these; false when it is not. */
  handle(topic: string, payload: Buffer): boolean {
    const { topics, deviceId } = this.options;
    if (topic === topics.config(deviceId)) {
      void this.config(payload);
      return true;
    }
    for (const name of Object.keys(this.requests) as RequestName[]) {
      if (topic === topics.request(deviceId, name)) {
        void this.answer(name, payload);
        return true;
      }
    }
    return false;
  }

  private async answer(name: RequestName, payload: Buffer): Promise<void> {
    const { topics, deviceId, logger } = this.options;
    const answer = await this.requests[name](payload);
    if (answer === undefined) return;
    await this.options.link
      .publish(topics.response(deviceId, name), JSON.stringify(answer.body))
      .catch((error: unknown) => logger.warn({ err: error }, `${name} answer not sent`));
    answer.afterwards?.();
  }

  private async config(payload: Buffer): Promise<void> {
    const { topics, deviceId, logger } = this.options;
    // An empty retained message clears the topic: nothing to apply.
    if (payload.length === 0) return;
    let state: ConfigState;
    let config: RemoteConfig | undefined;
    try {
      config = decoders.remoteConfig.decode(payload);
      if (config.version === this.appliedConfigVersion) return;
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
    await this.options.link
      .publish(topics.configState(deviceId), JSON.stringify(state), true)
      .catch((error: unknown) => logger.warn({ err: error }, 'config state not reported'));
  }

  /** A technician's test press; a malformed request is ignored (no transaction to answer). */
  private async press(payload: Buffer): Promise<Answer | undefined> {
    const { logger } = this.options;
    let request;
    try {
      request = decoders.pressRequest.decode(payload);
    } catch (error) {
      logger.warn({ err: error }, 'ignored malformed press request');
      return undefined;
    }
    const at = new Date().toISOString();
    try {
      const clipId = this.options.press(request.button);
      logger.info({ transaction: request.transaction, button: request.button, clipId }, 'remote test press');
      return { body: { transaction: request.transaction, status: 'pressed', clipId, at } };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn({ transaction: request.transaction, button: request.button, reason }, 'remote test press refused');
      return { body: { transaction: request.transaction, status: 'refused', reason, at } };
    }
  }

  /**
   * A new password from the server: stored first, then acknowledged, then used. The current one
   * stays in the file beside it and is used whenever the broker refuses the new one (an external
   * broker knows it only once its password file is regenerated and reloaded), so a failure
   * anywhere here leaves a device that can still connect.
   */
  private async credentials(payload: Buffer): Promise<Answer> {
    const { logger } = this.options;
    let transaction = 'unknown';
    // The one this connection logged in with is known to work: the fallback until the broker
    // accepts the new one.
    const accepted = this.options.loginPassword();
    try {
      const request = decoders.credentialsRequest.decode(payload);
      transaction = request.transaction;
      await this.options.storePassword(request.password, accepted);
      return {
        body: { transaction, status: 'ok' },
        afterwards: () => {
          logger.info('new MQTT password stored; reconnecting with it');
          this.options.usePassword(request.password, accepted);
        },
      };
    } catch (error) {
      logger.error({ err: error }, 'credential rotation failed; keeping the current password');
      return { body: { transaction, status: 'error', error: (error as Error).message } };
    }
  }
}
