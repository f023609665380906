import { randomBytes } from 'node:crypto';
import type { RequestName, Topics } from '@earshot/shared/protocol';
import type { Publish } from '../broker/broker-client.js';

export class DeviceLinkError extends Error {
  override name = 'DeviceLinkError';
  constructor(
    message: string,
    /** `unavailable`: no broker connection; `timeout`: the device did not answer. */
    readonly reason: 'unavailable' | 'timeout',
  ) {
    super(message);
  }
}

/**
 * The server's line to one device over MQTT, beside the clip protocol: requests the device
 * answers (zigbee2mqtt style, `request/<name>` and `response/<name>` matched by a transaction
 * id) and the clearing of a device's retained topics. Every server instance sees every answer,
 * and the one holding the transaction takes it, so this works behind a shared subscription too.
 */
export class DeviceLink {
  private readonly waiting = new Map<string, (payload: Buffer) => void>();

  constructor(
    private readonly topics: Topics,
    private readonly publish: Publish,
  ) {}

  /** Sends `body` with a fresh transaction id and resolves with the device's raw answer. */
  async ask(deviceId: string, name: RequestName, body: Record<string, unknown>, timeoutMs: number): Promise<Buffer> {
    const transaction = randomBytes(12).toString('base64url');
    const key = `${deviceId}/${name}/${transaction}`;
    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<Buffer>((resolve, reject) => {
      timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(
          new DeviceLinkError(
            `device ${deviceId} did not answer the ${name} request within ${timeoutMs / 1000} s`,
            'timeout',
          ),
        );
      }, timeoutMs);
      this.waiting.set(key, (payload) => {
        clearTimeout(timer);
        this.waiting.delete(key);
        resolve(payload);
      });
    });
    try {
      await this.publish(this.topics.request(deviceId, name), JSON.stringify({ ...body, transaction }), {
        retain: false,
      });
    } catch (error) {
      clearTimeout(timer);
      this.waiting.delete(key);
      throw new DeviceLinkError(`cannot reach the broker: ${(error as Error).message}`, 'unavailable');
    }
    return answer;
  }

  /** An answer arrived on `response/<name>`; one nobody here waits for is ignored. */
  answered(deviceId: string, name: RequestName, payload: Buffer): void {
    let transaction: unknown;
    try {
      transaction = (JSON.parse(payload.toString('utf8')) as { transaction?: unknown }).transaction;
    } catch {
      return;
    }
    if (typeof transaction === 'string') this.waiting.get(`${deviceId}/${name}/${transaction}`)?.(payload);
  }

  /** Empties the device's retained topics (status, config, config state), as for a device gone. */
  async clearRetained(deviceId: string): Promise<void> {
    for (const topic of [
      this.topics.status(deviceId),
      this.topics.config(deviceId),
      this.topics.configState(deviceId),
    ]) {
      await this.publish(topic, '', { retain: true }).catch((error: unknown) => {
        throw new DeviceLinkError(`cannot clear ${topic}: ${(error as Error).message}`, 'unavailable');
      });
    }
  }
}
