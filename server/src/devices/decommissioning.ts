import type { Database } from '../db/database.js';
import { ClaimTokens } from './claim-tokens.js';
import type { DeviceLink } from './device-link.js';
import { MqttAccounts } from './mqtt-accounts.js';

export class DecommissionError extends Error {
  override name = 'DecommissionError';
  constructor(
    readonly reason: 'unknown' | 'already',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Takes a device out of service for good: marked decommissioned (it can never enrol again under
 * this id), its MQTT account revoked, unused claim tokens withdrawn, its retained topics emptied
 * and, on the embedded broker, its connection closed. Its clips stay, under retention.
 */
export class Decommissioning {
  private readonly accounts: MqttAccounts;
  private readonly tokens: ClaimTokens;

  constructor(
    private readonly db: Database,
    private readonly link: DeviceLink,
    /** Drops the device's live connection; absent for an external broker (the revoked account stops the next login). */
    private readonly disconnect: ((deviceId: string) => void) | undefined,
  ) {
    this.accounts = new MqttAccounts(db);
    this.tokens = new ClaimTokens(db);
  }

  async decommission(deviceId: string): Promise<{ at: string; credentialsRevoked: boolean }> {
    const at = new Date().toISOString();
    const device = await this.db
      .selectFrom('devices')
      .select('decommissioned_at')
      .where('id', '=', deviceId)
      .executeTakeFirst();
    if (!device) throw new DecommissionError('unknown', `no device ${deviceId}`);
    const marked = await this.db
      .updateTable('devices')
      .set({ decommissioned_at: at, state: 'offline', state_changed_at: at })
      .where('id', '=', deviceId)
      .where('decommissioned_at', 'is', null)
      .executeTakeFirst();
    if (Number(marked.numUpdatedRows) === 0) {
      throw new DecommissionError(
        'already',
        `device ${deviceId} was already decommissioned at ${device.decommissioned_at}`,
      );
    }
    await this.tokens.withdraw(deviceId);
    const credentialsRevoked = await this.accounts.revoke(deviceId);
    this.disconnect?.(deviceId);
    await this.link.clearRetained(deviceId);
    return { at, credentialsRevoked };
  }
}
