import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/**
 * Passwords are stored in Mosquitto's own format, `$7$<iterations>$<salt>$<hash>` (PBKDF2 with
 * SHA-512, base64 salt and hash), so that the embedded broker checks them itself and the same
 * stored hashes can be written to a Mosquitto password file without anyone knowing a password.
 *
 * Rounds for device passwords, which the broker checks at every MQTT login: they are 256 random
 * bits (generatePassword), so no number of rounds changes how hard one is to guess, while each
 * round costs the broker CPU in a reconnect storm. At 20,000 rounds (about 15 ms a login) 1,000
 * devices coming back at once kept a restarted Mosquitto, which checks logins one at a time,
 * from answering the server's own login for more than 10 s (docs/scale-out.md). A stored hash
 * keeps its own count, so older device hashes keep working and become cheap at their next rotation.
 */
const ITERATIONS = 1_000;
const SALT_BYTES = 12;
const HASH_BYTES = 64;

/**
 * `iterations` defaults to what suits random device passwords checked on every MQTT connect;
 * people's chosen passwords take many more (see access/users.ts).
 */
export async function hashPassword(password: string, iterations = ITERATIONS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await pbkdf2Async(password, salt, iterations, HASH_BYTES, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
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
