// Audio streaming through the API against reading the same file from disk: one 20 MB clip.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { report } from '@earshot/test-kit/bench';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { DiskBlobStore } from '../src/storage/disk-blob-store.js';
import { appHarness } from '../test/support/app-harness.js';
import { testDatabase } from '../test/support/databases.js';
import { ingestHarness } from '../test/support/ingest-harness.js';

const dir = await tempDir();
{
  const test = await testDatabase({ skip: () => undefined } as never, 'sqlite');
  if (test) {
    const { db } = test;
    const blobs = new DiskBlobStore(join(dir.path, 'stream'));
    const { ingest, buttonMap, queue } = ingestHarness(db, blobs);
    const app = await appHarness({ db, blobs, queue, buttonMap, ingest });
    const key = 'clips/stream/big.wav';
    const path = join(dir.path, 'stream', key);
    await mkdir(dirname(path), { recursive: true });
    const bytes = Buffer.alloc(20 * 1024 * 1024, 7);
    await writeFile(path, bytes);
    const at = new Date().toISOString();
    await db
      .insertInto('clips')
      .values({
        id: 'big',
        device_id: 'pi',
        button: 1,
        question_id: null,
        pressed_at: at,
        start_at: at,
        end_at: at,
        duration_ms: 1,
        sample_rate: 16000,
        channels: 1,
        container: 'wav',
        codec: 'pcm_s16le',
        size: bytes.length,
        sha256: 'a'.repeat(64),
        storage_key: key,
        truncated: 0,
        gaps_json: '[]',
        meta_json: '{}',
        status: 'received',
        received_at: at,
        store_id: null,
        source: 'device',
      })
      .execute();
    const rounds = 20;
    let t0 = performance.now();
    for (let i = 0; i < rounds; i++) await readFile(path);
    const disk = (rounds * bytes.length) / ((performance.now() - t0) / 1000) / 1e6;
    const url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/api/v1/clips/big/audio`;
    t0 = performance.now();
    for (let i = 0; i < rounds; i++) await (await fetch(url, { headers: app.adminHeaders })).arrayBuffer();
    const api = (rounds * bytes.length) / ((performance.now() - t0) / 1000) / 1e6;
    report('api.audio-streaming', api, 'MB/s', { name: 'read-same-file-from-disk', value: disk });
    await app.close();
    await test.close();
  }
}
await dir.remove();
