import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { tempDir } from '@earshot/test-kit/temp-dir';
import type { BlobStore } from '../../src/storage/blob-store.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { s3Server } from '../support/s3-server.js';

interface Fixture {
  store: BlobStore;
  close(): Promise<void>;
}

const KINDS: Record<string, () => Promise<Fixture>> = {
  disk: async () => {
    const dir = await tempDir();
    return { store: new DiskBlobStore(dir.path), close: dir.remove };
  },
  s3: s3Server,
};

// The same suite on every kind of store.
for (const [kind, open] of Object.entries(KINDS)) {
  describe(`blob store on ${kind}`, () => {
    const withStore = (fn: (store: BlobStore) => Promise<void>) => async () => {
      const fixture = await open();
      try {
        await fn(fixture.store);
      } finally {
        await fixture.close();
      }
    };

    it(
      'stores and reads back a clip byte for byte, whole and by range',
      withStore(async (store) => {
        const data = randomBytes(300_000);
        const key = 'clips/pi-1/2026/03/01/abc.wav';
        await store.put(key, data);
        assert.equal(await store.size(key), data.length);
        assert.deepEqual(await buffer(await store.read(key)), data);
        assert.deepEqual(await buffer(await store.read(key, { start: 1000, end: 1999 })), data.subarray(1000, 2000));
        assert.deepEqual(
          await buffer(await store.read(key, { start: data.length - 1, end: data.length - 1 })),
          data.subarray(-1),
        );
      }),
    );

    it(
      'replaces a blob whole when the same key is written again',
      withStore(async (store) => {
        await store.put('a/b.wav', Buffer.alloc(5000, 1));
        await store.put('a/b.wav', Buffer.from('short'));
        assert.equal((await buffer(await store.read('a/b.wav'))).toString(), 'short');
      }),
    );

    it(
      'says a missing blob is missing, and deletes',
      withStore(async (store) => {
        assert.equal(await store.size('no/such.wav'), undefined);
        await assert.rejects(store.read('no/such.wav'), (error: NodeJS.ErrnoException) => error.code === 'ENOENT');
        await store.put('x/y.wav', Buffer.from('data'));
        await store.delete('x/y.wav');
        assert.equal(await store.size('x/y.wav'), undefined);
        await store.delete('x/y.wav');
      }),
    );

    it(
      'refuses unsafe keys',
      withStore(async (store) => {
        await assert.rejects(store.put('../etc/passwd', Buffer.from('x')), /unsafe blob key/);
        await assert.rejects(store.read('/abs'), /unsafe blob key/);
      }),
    );

    it(
      `gives ${kind === 's3' ? 'a presigned URL that serves the blob' : 'no direct URL (the API serves files)'}`,
      withStore(async (store) => {
        const data = randomBytes(1000);
        await store.put('p/q.wav', data);
        const url = await store.directUrl('p/q.wav');
        if (kind !== 's3') return assert.equal(url, undefined);
        assert.match(url ?? '', /X-Amz-Signature=/);
        const response = await fetch(url ?? '');
        assert.equal(response.status, 200);
        assert.deepEqual(Buffer.from(await response.arrayBuffer()), data);
      }),
    );
  });
}
