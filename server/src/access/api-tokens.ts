import { ulid } from 'ulidx';
import type { Database } from '../db/database.js';
import { hashSecret, newSecret } from './secret-token.js';

export const TOKEN_PREFIX = 'es_';
const MAX_DAYS = 366;
/**
 * A token's last use is recorded to the minute. Recorded on every request, each read of the API
 * was also a committed write: a flush of the database's log per call, and on SQLite the write lock
 * taken from the clips' ingest.
 */
const USE_RECORDED_EVERY_MS = 60_000;

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** API tokens for programs: shown once, stored hashed, expiring, revocable. */
export class ApiTokens {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(userId: string, name: string, days: number): Promise<{ token: string; record: ApiToken }> {
    const token = newSecret(TOKEN_PREFIX);
    const now = this.now();
    const record: ApiToken = {
      id: ulid(),
      userId,
      name,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + Math.min(days, MAX_DAYS) * 86_400_000).toISOString(),
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.db
      .insertInto('api_tokens')
      .values({
        id: record.id,
        user_id: userId,
        name,
        token_hash: hashSecret(token),
        created_at: record.createdAt,
        expires_at: record.expiresAt,
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
    return { token, record };
  }

  /** The token's id and user when it is live; records its use, once a minute at most. */
  async resolve(token: string): Promise<{ id: string; userId: string } | undefined> {
    if (!token.startsWith(TOKEN_PREFIX)) return undefined;
    const now = this.now();
    const row = await this.db
      .selectFrom('api_tokens')
      .select(['id', 'user_id', 'last_used_at'])
      .where('token_hash', '=', hashSecret(token))
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now.toISOString())
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.last_used_at === null || now.getTime() - Date.parse(row.last_used_at) >= USE_RECORDED_EVERY_MS) {
      await this.db
        .updateTable('api_tokens')
        .set({ last_used_at: now.toISOString() })
        .where('id', '=', row.id)
        .execute();
    }
    return { id: row.id, userId: row.user_id };
  }

  async list(userId?: string): Promise<ApiToken[]> {
    let query = this.db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc');
    if (userId !== undefined) query = query.where('user_id', '=', userId);
    return (await query.execute()).map((r) => ({
      id: r.id,
      userId: r.user_id,
      name: r.name,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      revokedAt: r.revoked_at,
      lastUsedAt: r.last_used_at,
    }));
  }

  /** Revokes a token; with `userId`, only if it is that user's. */
  async revoke(id: string, userId?: string): Promise<boolean> {
    let query = this.db
      .updateTable('api_tokens')
      .set({ revoked_at: this.now().toISOString() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null);
    if (userId !== undefined) query = query.where('user_id', '=', userId);
    return Number((await query.executeTakeFirst()).numUpdatedRows) > 0;
  }
}
