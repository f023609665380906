import { hashSecret, newSecret } from '../access/secret-token.js';
import type { Database } from '../db/database.js';
import { MqttAccounts } from './mqtt-accounts.js';
import { msFromHours } from '../config/server-units.js';

/** Why a claim was refused; each maps to its own HTTP status and message. */
export type ClaimRefusal = 'unknown' | 'used' | 'expired' | 'decommissioned' | 'enrolled';

export class ClaimError extends Error {
  override name = 'ClaimError';
  constructor(
    readonly refusal: ClaimRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** The prefix makes a claim token recognisable in a first-boot file or a support ticket. */
const TOKEN_PREFIX = 'ect_';

/**
 * One-time claim tokens: a technician makes one for a registered device and it goes into the
 * first-boot files; the device trades it once for its MQTT credentials. Only a hash is stored.
 * Single use holds across server instances: the claim is one conditional UPDATE, and only the
 * request that changed the row wins. The device sends a request id of its own with the claim;
 * the same id may claim again (a retry after a lost answer), any other may not.
 */
export class ClaimTokens {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(
    deviceId: string,
    createdBy: string | null,
    validHours: number,
  ): Promise<{ token: string; expiresAt: string }> {
    const token = newSecret(TOKEN_PREFIX);
    const now = this.now();
    const expiresAt = new Date(now.getTime() + msFromHours(validHours)).toISOString();
    await this.db
      .insertInto('claim_tokens')
      .values({
        token_hash: hashSecret(token),
        device_id: deviceId,
        created_by: createdBy,
        created_at: now.toISOString(),
        expires_at: expiresAt,
        used_at: null,
        request_hash: null,
      })
      .execute();
    return { token, expiresAt };
  }

  /** The device the token was made for, once; throws ClaimError saying why not. */
  async claim(token: string, requestId: string): Promise<{ deviceId: string; retry: boolean }> {
    const tokenHash = hashSecret(token);
    const requestHash = hashSecret(requestId);
    const row = await this.db
      .selectFrom('claim_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) throw new ClaimError('unknown', 'unknown claim token: check it was copied whole, or make a new one');
    const device = await this.db
      .selectFrom('devices')
      .select('decommissioned_at')
      .where('id', '=', row.device_id)
      .executeTakeFirst();
    if (device?.decommissioned_at) {
      throw new ClaimError(
        'decommissioned',
        `device ${row.device_id} was decommissioned at ${device.decommissioned_at}; register a new device id`,
      );
    }
    const now = this.now().toISOString();
    if (row.expires_at <= now) {
      throw new ClaimError('expired', `this claim token expired at ${row.expires_at}; make a new one`);
    }
    if (row.used_at !== null) {
      if (row.request_hash === requestHash) return { deviceId: row.device_id, retry: true };
      throw new ClaimError('used', `this claim token was already used at ${row.used_at}; make a new one`);
    }
    // A token made before the device enrolled (or one leaked since) must not re-key a working device:
    // replacing one is an explicit act that revokes its account first (see the claim-tokens route).
    if (await new MqttAccounts(this.db).live(row.device_id)) {
      throw new ClaimError(
        'enrolled',
        `device ${row.device_id} is enrolled already; to replace it, make a claim token with "replace": true`,
      );
    }
    const result = await this.db
      .updateTable('claim_tokens')
      .set({ used_at: now, request_hash: requestHash })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      throw new ClaimError('used', 'this claim token was used by another request just now; make a new one');
    }
    return { deviceId: row.device_id, retry: false };
  }

  /** Makes every unused token of the device unusable (decommissioning). */
  async withdraw(deviceId: string): Promise<void> {
    await this.db
      .updateTable('claim_tokens')
      .set({ expires_at: this.now().toISOString() })
      .where('device_id', '=', deviceId)
      .where('used_at', 'is', null)
      .execute();
  }
}
