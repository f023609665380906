import { ulid } from 'ulidx';
import type { Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { DatabaseSchema } from '../db/schema.js';
import { generatePassword, hashPassword, verifyPassword } from '../devices/password-hash.js';
import { passwordWeakness } from './password-policy.js';
import { ROLES, type Role } from './roles.js';
import { hashSecret } from './secret-token.js';

/** OWASP's figure for PBKDF2-SHA512 protecting passwords people choose. */
const USER_PASSWORD_ITERATIONS = 210_000;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

export interface User {
  id: string;
  username: string;
  role: Role;
  stores: string[];
  disabled: boolean;
  createdAt: string;
}

export class UserError extends Error {
  override name = 'UserError';
}

/** The credential a request came with, which a change of its own password leaves open. */
export interface KeptCredential {
  sessionId?: string | undefined;
  tokenId?: string | undefined;
}

/** People who use the API and the console, their roles and, for managers, their stores. */
export class Users {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * Creates a user, or updates role and stores of an existing one. Returns the password when one
   * was generated (`generatePassword`): shown once, never stored in clear.
   */
  async upsert(input: {
    username: string;
    role: Role;
    stores?: string[];
    password?: string;
    generatePassword?: boolean;
  }): Promise<{ user: User; generatedPassword?: string }> {
    if (!USERNAME.test(input.username)) {
      throw new UserError(`username "${input.username}": 2-64 lowercase letters, digits, ".", "_" or "-"`);
    }
    if (!ROLES.includes(input.role)) throw new UserError(`role "${input.role}": one of ${ROLES.join(', ')}`);
    const generatedPassword = input.generatePassword ? generatePassword() : undefined;
    const password = generatedPassword ?? input.password;
    // A generated password is 256 random bits: only chosen ones need judging.
    const weakness = generatedPassword ? undefined : input.password && passwordWeakness(input.password, input.username);
    if (weakness) throw new UserError(`password: ${weakness}`);
    const passwordHash = password === undefined ? undefined : await hashPassword(password, USER_PASSWORD_ITERATIONS);
    const existing = await this.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', input.username)
      .executeTakeFirst();
    const id = existing?.id ?? ulid();
    await this.db.transaction().execute(async (trx) => {
      if (existing) {
        await trx
          .updateTable('users')
          .set({ role: input.role, ...(passwordHash ? { password_hash: passwordHash } : {}) })
          .where('id', '=', id)
          .execute();
        // A reset password is one somebody else may have known: whatever it opened is closed.
        if (passwordHash) await this.endCredentials(trx, id, {});
      } else {
        await trx
          .insertInto('users')
          .values({
            id,
            username: input.username,
            role: input.role,
            password_hash: passwordHash ?? null,
            created_at: this.now().toISOString(),
            disabled_at: null,
          })
          .execute();
      }
      if (input.stores !== undefined) {
        await trx.deleteFrom('user_stores').where('user_id', '=', id).execute();
        if (input.stores.length > 0) {
          await trx
            .insertInto('user_stores')
            .values(input.stores.map((store_id) => ({ user_id: id, store_id })))
            .execute();
        }
      }
    });
    const user = await this.byId(id);
    if (!user) throw new Error(`user ${id} vanished`);
    return generatedPassword ? { user, generatedPassword } : { user };
  }

  /**
   * Disables the account and ends its sessions and API tokens, so that re-enabling it later does
   * not bring back credentials handed out before.
   */
  async disable(username: string): Promise<boolean> {
    const now = this.now().toISOString();
    return this.db.transaction().execute(async (trx) => {
      const user = await trx
        .selectFrom('users')
        .select('id')
        .where('username', '=', username)
        .where('disabled_at', 'is', null)
        .executeTakeFirst();
      if (!user) return false;
      await trx.updateTable('users').set({ disabled_at: now }).where('id', '=', user.id).execute();
      await this.endCredentials(trx, user.id, {});
      return true;
    });
  }

  /**
   * A user changes their own password: the current one must be right, the new one pass the
   * policy. Every other session and API token of theirs ends; the one in use stays open.
   */
  async changePassword(userId: string, current: string, next: string, keep: KeptCredential): Promise<void> {
    const user = await this.byId(userId);
    if (!user || !(await this.checkPassword(user.username, current))) {
      throw new UserError('currentPassword: wrong password');
    }
    const weakness = passwordWeakness(next, user.username);
    if (weakness) throw new UserError(`newPassword: ${weakness}`);
    const passwordHash = await hashPassword(next, USER_PASSWORD_ITERATIONS);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
      await this.endCredentials(trx, userId, keep);
    });
  }

  /** Ends the user's sessions and revokes their API tokens, but for the one kept. */
  private async endCredentials(trx: Transaction<DatabaseSchema>, userId: string, keep: KeptCredential): Promise<void> {
    let sessions = trx.deleteFrom('sessions').where('user_id', '=', userId);
    if (keep.sessionId !== undefined) sessions = sessions.where('id_hash', '!=', hashSecret(keep.sessionId));
    await sessions.execute();
    let tokens = trx
      .updateTable('api_tokens')
      .set({ revoked_at: this.now().toISOString() })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (keep.tokenId !== undefined) tokens = tokens.where('id', '!=', keep.tokenId);
    await tokens.execute();
  }

  /** Undoes `disable`; false when there is no disabled user of that name. */
  async enable(username: string): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({ disabled_at: null })
      .where('username', '=', username)
      .where('disabled_at', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The user if the password is right and the account live; undefined otherwise, whichever it was. */
  async checkPassword(username: string, password: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'password_hash', 'disabled_at'])
      .where('username', '=', username)
      .executeTakeFirst();
    // Hash anyway when there is no such user, so that timing does not tell which names exist.
    const hash = row?.password_hash ?? DUMMY_HASH;
    const ok = await verifyPassword(password, hash);
    if (!ok || !row || row.disabled_at !== null || row.password_hash === null) return undefined;
    return this.byId(row.id);
  }

  async byId(id: string): Promise<User | undefined> {
    return (await this.find({ id }))[0];
  }

  async byUsername(username: string): Promise<User | undefined> {
    return (await this.find({ username }))[0];
  }

  async list(): Promise<User[]> {
    return this.find({});
  }

  private async find(where: { id?: string; username?: string }): Promise<User[]> {
    let query = this.db.selectFrom('users').selectAll().orderBy('username');
    if (where.id !== undefined) query = query.where('id', '=', where.id);
    if (where.username !== undefined) query = query.where('username', '=', where.username);
    const rows = await query.execute();
    if (rows.length === 0) return [];
    const assignments = await this.db
      .selectFrom('user_stores')
      .select(['user_id', 'store_id'])
      .where(
        'user_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('store_id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      username: row.username,
      role: row.role,
      stores: assignments.filter((a) => a.user_id === row.id).map((a) => a.store_id),
      disabled: row.disabled_at !== null,
      createdAt: row.created_at,
    }));
  }
}

const DUMMY_HASH = `$7$${USER_PASSWORD_ITERATIONS}$AAAAAAAAAAAAAAAA$${Buffer.alloc(64).toString('base64')}`;
