import { isValidId } from '@earshot/shared/protocol';
import { sql } from 'kysely';
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
 * instance, stored hashed in the database. Issuing again replaces the password. Rotation stages
 * a second, pending password: both work until the first login with the pending one, which makes
 * it the only one (so a device that never received the new password is not locked out).
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
    // A new password never changes what an account is: `issue-server` on a device's name would
    // otherwise turn that device into an unrestricted server account.
    const existing = await this.db
      .selectFrom('mqtt_accounts')
      .select('role')
      .where('username', '=', username)
      .executeTakeFirst();
    if (existing !== undefined && existing.role !== role) {
      throw new AccountError(
        `"${username}" is a ${existing.role} account; a ${role} account needs a name of its own (revoking keeps the name taken)`,
      );
    }
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    const at = this.now().toISOString();
    await this.db
      .insertInto('mqtt_accounts')
      .values({ username, role, password_hash: passwordHash, created_at: at, revoked_at: null })
      .onConflict((oc) =>
        oc.column('username').doUpdateSet({
          role,
          password_hash: passwordHash,
          created_at: at,
          revoked_at: null,
          pending_password_hash: null,
        }),
      )
      .execute();
    return password;
  }

  /** A new password for a live account, valid beside the current one until it is first used. */
  async stage(username: string): Promise<string> {
    const password = generatePassword();
    const pendingHash = await hashPassword(password);
    const result = await this.db
      .updateTable('mqtt_accounts')
      .set({ pending_password_hash: pendingHash })
      .where('username', '=', username)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new AccountError(`no live MQTT account "${username}"`);
    return password;
  }

  async revoke(username: string): Promise<boolean> {
    const result = await this.db
      .updateTable('mqtt_accounts')
      .set({ revoked_at: this.now().toISOString(), pending_password_hash: null })
      .where('username', '=', username)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * The account's role if the password is right and the account is live, else undefined. The
   * first login with a pending password promotes it and retires the old one.
   */
  async authenticate(username: string, password: string): Promise<AccountRole | undefined> {
    const row = await this.db
      .selectFrom('mqtt_accounts')
      .select(['role', 'password_hash', 'pending_password_hash'])
      .where('username', '=', username)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    if (await verifyPassword(password, row.password_hash)) return row.role;
    const pending = row.pending_password_hash;
    if (pending === null || !(await verifyPassword(password, pending))) return undefined;
    await this.promote(username, pending);
    return row.role;
  }

  /**
   * Makes the pending password the only one. An external broker never tells us of a login, so
   * there this happens when the device confirms it stored the password; the Mosquitto password
   * file (one password per user) is regenerated after, and until it is reloaded the device logs
   * in with the old password it kept.
   */
  async promote(username: string, pendingHash?: string): Promise<boolean> {
    let query = this.db
      .updateTable('mqtt_accounts')
      .set({ password_hash: sql.ref<string>('pending_password_hash'), pending_password_hash: null })
      .where('username', '=', username)
      .where('pending_password_hash', 'is not', null);
    if (pendingHash !== undefined) query = query.where('pending_password_hash', '=', pendingHash);
    return Number((await query.executeTakeFirst()).numUpdatedRows) > 0;
  }

  /** Whether the account exists and is not revoked. */
  async live(username: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('mqtt_accounts')
      .select('username')
      .where('username', '=', username)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row !== undefined;
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
