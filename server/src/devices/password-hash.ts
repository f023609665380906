import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/**
 * Passwords are stored in Mosquitto's own format, `$7$<iterations>$<salt>$<hash>` (PBKDF2 with
 * SHA-512, base64 salt and hash), so that the embedded broker checks them itself and the same
 * stored hashes can be written to a Mosquitto password file without anyone knowing a password.
 */
const ITERATIONS = 20_000;
const SALT_BYTES = 12;
const HASH_BYTES = 64;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await pbkdf2Async(password, salt, ITERATIONS, HASH_BYTES, 'sha512');
  return `$7$${ITERATIONS}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [empty, kind, iterations, salt, hash] = stored.split('$');
  if (empty !== '' || kind !== '7' || !iterations || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await pbkdf2Async(
    password,
    Buffer.from(salt, 'base64'),
    Number(iterations),
    expected.length,
    'sha512',
  );
  return timingSafeEqual(actual, expected);
}

/** 32 random bytes, URL-safe: typed once into a device's config, never stored in clear. */
export function generatePassword(): string {
  return randomBytes(32).toString('base64url');
}
