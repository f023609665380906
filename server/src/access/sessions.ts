import { randomBytes } from 'node:crypto';
import type { Database } from '../db/database.js';
import { hashSecret, newSecret } from './secret-token.js';

/** Console sign-ins: a random id in an HttpOnly cookie, stored hashed, with its CSRF token. */
export class Sessions {
  constructor(
    private readonly db: Database,
    private readonly lifetimeMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async open(userId: string): Promise<{ sessionId: string; csrfToken: string; expiresAt: Date }> {
    const sessionId = newSecret('');
    const csrfToken = randomBytes(24).toString('base64url');
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.lifetimeMs);
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: hashSecret(sessionId),
        user_id: userId,
        csrf_token: csrfToken,
        created_at: now.toISOString(),
        expires_at: expiresAt.toISOString(),
      })
      .execute();
    return { sessionId, csrfToken, expiresAt };
  }

  async resolve(sessionId: string): Promise<{ userId: string; csrfToken: string } | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .select(['user_id', 'csrf_token'])
      .where('id_hash', '=', hashSecret(sessionId))
      .where('expires_at', '>', this.now().toISOString())
      .executeTakeFirst();
    return row ? { userId: row.user_id, csrfToken: row.csrf_token } : undefined;
  }

  async close(sessionId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', hashSecret(sessionId)).execute();
  }

  /** Drops expired sessions; returns how many. */
  async sweep(): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('expires_at', '<=', this.now().toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
