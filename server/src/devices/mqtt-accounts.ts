import { isValidId } from '@earshot/shared/protocol';
import type { Database } from '../db/database.js';
import { generatePassword, hashPassword, verifyPassword } from './password-hash.js';

/** A device may use only its own topics; a server account may use every device's. */
export type AccountRole = 'device' | 'server';

export interface MqttAccount {
  username: string;
  role: AccountRole;
  passwordHash: string;
}

export class AccountError extends Error {
  override name = 'AccountError';
}

/**
 * MQTT credentials, one account per device (its username is its device id) and one per server
 * instance, stored hashed in the database. Issuing again replaces the password.
 */
export class MqttAccounts {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates or replaces the account and returns its new password, the only time it is shown. */
  async issue(username: string, role: AccountRole): Promise<string> {
    if (!isValidId(username)) {
      throw new AccountError(`"${username}" is not a valid name: letters, digits, "_" and "-", at most 64`);
    }
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    const at = this.now().toISOString();
    await this.db
      .insertInto('mqtt_accounts')
      .values({ username, role, password_hash: passwordHash, created_at: at, revoked_at: null })
      .onConflict((oc) =>
        oc.column('username').doUpdateSet({ role, password_hash: passwordHash, created_at: at, revoked_at: null }),
      )
      .execute();
    return password;
  }

  async revoke(username: string): Promise<boolean> {
    const result = await this.db
      .updateTable('mqtt_accounts')
      .set({ revoked_at: this.now().toISOString() })
      .where('username', '=', username)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The account's role if the password is right and the account is live, else undefined. */
  async authenticate(username: string, password: string): Promise<AccountRole | undefined> {
    const row = await this.db
      .selectFrom('mqtt_accounts')
      .select(['role', 'password_hash'])
      .where('username', '=', username)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    return (await verifyPassword(password, row.password_hash)) ? row.role : undefined;
  }

  async list(): Promise<MqttAccount[]> {
    const rows = await this.db
      .selectFrom('mqtt_accounts')
      .select(['username', 'role', 'password_hash'])
      .where('revoked_at', 'is', null)
      .orderBy('username')
      .execute();
    return rows.map((r) => ({ username: r.username, role: r.role, passwordHash: r.password_hash }));
  }
}
