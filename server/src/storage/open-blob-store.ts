import { join, resolve } from 'node:path';
import type { ServerConfig } from '../config/server-config.js';
import type { BlobStore } from './blob-store.js';
import { DiskBlobStore } from './disk-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

/** The configured store: S3-compatible when storage.s3 is set, else a directory. */
export function openBlobStore(config: ServerConfig): BlobStore {
  const s3 = config.storage.s3;
  return s3 ? new S3BlobStore(s3) : new DiskBlobStore(config.storage.dir ?? join(resolve(config.dataDir), 'clips'));
}
