import { join } from 'node:path';
import { freePort } from '@earshot/test-kit/ports';
import { tempDir } from '@earshot/test-kit/temp-dir';
import S3rver from 's3rver';
import { S3BlobStore } from '../../src/storage/s3-blob-store.js';

export const TEST_BUCKET = 'earshot-test';

/** s3rver over HTTP on a free port, with one bucket, and a store pointing at it. */
export async function s3Server() {
  const dir = await tempDir('earshot-s3-');
  const port = await freePort();
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory: join(dir.path, 's3'),
    configureBuckets: [{ name: TEST_BUCKET }],
  });
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const store = new S3BlobStore({
    bucket: TEST_BUCKET,
    region: 'us-east-1',
    endpoint,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
    prefix: 'earshot/',
    presignSeconds: 60,
  });
  return {
    endpoint,
    store,
    async close() {
      store.close();
      await server.close();
      await dir.remove();
    },
  };
}
