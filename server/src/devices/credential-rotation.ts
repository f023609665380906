import { decoders, MessageError } from '@earshot/shared/protocol';
import type { DeviceLink } from './device-link.js';
import type { MqttAccounts } from './mqtt-accounts.js';

export class RotationError extends Error {
  override name = 'RotationError';
}

/**
 * A new MQTT password for a device, delivered over MQTT: staged beside the current one, sent on
 * the device's `request/credentials`, stored by the device, which answers and reconnects with
 * it. The embedded broker retires the old password at that login. An external broker never
 * reports logins and its password file holds one password per user, so there the old password
 * is retired on the device's answer (`retireOnAnswer`): the next regenerated file carries the new
 * one. That is safe because the device keeps the old password beside the new one and logs in
 * with it while the broker still refuses the new one (until the file is reloaded).
 */
export class CredentialRotation {
  constructor(
    private readonly accounts: MqttAccounts,
    private readonly link: DeviceLink,
    private readonly options: { timeoutMs: number; retireOnAnswer: boolean },
  ) {}

  /** Resolves once the device has stored the new password; `retired`: the old one no longer works. */
  async rotate(deviceId: string): Promise<{ retired: boolean }> {
    const password = await this.accounts.stage(deviceId);
    const payload = await this.link.ask(deviceId, 'credentials', { password }, this.options.timeoutMs);
    let answer;
    try {
      answer = decoders.credentialsResponse.decode(payload);
    } catch (error) {
      if (error instanceof MessageError) throw new RotationError(`device ${deviceId} answered badly: ${error.message}`);
      throw error;
    }
    if (answer.status === 'error') {
      throw new RotationError(`device ${deviceId} could not store the new password: ${answer.error}`);
    }
    return { retired: this.options.retireOnAnswer ? await this.accounts.promote(deviceId) : false };
  }
}
