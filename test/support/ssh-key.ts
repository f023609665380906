import { randomBytes } from 'node:crypto';

/** A well-formed OpenSSH ed25519 public key (random, nobody holds its private half). */
export function sshKey(): string {
  const lengthPrefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const blob = Buffer.concat([lengthPrefixed(Buffer.from('ssh-ed25519')), lengthPrefixed(randomBytes(32))]);
  return `ssh-ed25519 ${blob.toString('base64')} tech@laptop`;
}
