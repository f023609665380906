import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets (API tokens, session ids): 32 random bytes, so a fast hash is enough to store
 * them; the database never holds one that could be replayed.
 */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
