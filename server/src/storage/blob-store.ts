import type { Readable } from 'node:stream';

/** Inclusive byte range, as in HTTP Range. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Where clip audio lives: a local directory now, S3-compatible storage at scale. */
export interface BlobStore {
  /** Stores `data` under `key` durably; writing the same key again replaces it whole. */
  put(key: string, data: Buffer): Promise<void>;
  /** Size in bytes, or undefined when there is no such blob. */
  size(key: string): Promise<number | undefined>;
  read(key: string, range?: ByteRange): Promise<Readable>;
  delete(key: string): Promise<void>;
  /** A URL a client may fetch the blob from directly for a while (S3: presigned GET), if any. */
  directUrl(key: string): Promise<string | undefined>;
  /**
   * Proves the store usable before the server accepts a clip: a folder it can write, a bucket that
   * exists and takes our credentials. Throws a StartupFailure that names the setting to fix.
   */
  check(): Promise<void>;
}

export class BlobKeyError extends Error {}

/** Keys are paths of safe segments: no `..`, no absolute paths, nothing a shell would mind. */
export function assertSafeKey(key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(key) || key.includes('..')) {
    throw new BlobKeyError(`unsafe blob key ${JSON.stringify(key)}`);
  }
}
