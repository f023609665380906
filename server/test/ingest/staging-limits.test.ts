import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { sql } from 'kysely';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';
import { ingestHarness } from '../support/ingest-harness.js';
import { makeClip, sha256 } from '../support/test-clips.js';

const CHUNK = 32 * 1024;

/** An init for a fresh clip, as a device sends it; `size` is its announced size. */
function initOf(seconds = 1): { clipId: string; payload: Buffer; size: number; audio: Buffer } {
  const { meta, audio } = makeClip(seconds);
  const init = { ...meta, size: audio.length, sha256: sha256(audio), chunkSize: CHUNK };
  return { clipId: meta.clipId, payload: Buffer.from(JSON.stringify(init)), size: audio.length, audio };
}

/**
 * Issue #14 item 4: one device once left 3,000 never-finished inits and 49 MB of chunks staged
 * for a day. A device's unfinished transfers are bounded in number and announced bytes; a further
 * init is answered "busy" with the reason and a time to come back, never "rejected" (which would
 * make the device give the clip up); expiry makes room again.
 */
for (const kind of DATABASE_KINDS) {
  describe(`per-device staging limits (${kind})`, () => {
    it('answers busy past the open-transfer and staged-byte limits, per device, until expiry frees them', async (t) => {
      const database = await testDatabase(t, kind);
      if (!database) return;
      t.after(() => database.close());
      const dir = await tempDir();
      t.after(() => dir.remove());
      const { db } = database;
      const size = initOf().size;
      const ingest = ingestHarness(db, new DiskBlobStore(join(dir.path, 'clips')), {
        maxOpenTransfers: 3,
        maxStagedBytes: 10 * size,
        retryAfterSeconds: 60,
      }).ingest;
      const open = [initOf(), initOf(), initOf()];
      for (const init of open) assert.equal(await ingest.init('pi-1', init.clipId, init.payload), undefined);
      const refused = initOf();
      const answer = await ingest.init('pi-1', refused.clipId, refused.payload);
      assert.equal(answer?.status, 'busy');
      assert.match(answer.status === 'busy' ? answer.reason : '', /unfinished transfers \(3 of at most 3\)/);
      assert.equal(answer.status === 'busy' ? answer.retryAfterSeconds : 0, 60);
      // A transfer already open goes on; another device has its own allowance.
      assert.equal(await ingest.init('pi-1', open[0]!.clipId, open[0]!.payload), undefined);
      const other = initOf();
      assert.equal(await ingest.init('pi-2', other.clipId, other.payload), undefined);

      // Announced bytes: a device whose open transfers would exceed the byte limit waits too.
      const bytes = ingestHarness(db, new DiskBlobStore(join(dir.path, 'clips')), {
        maxOpenTransfers: 100,
        maxStagedBytes: 2 * size,
        retryAfterSeconds: 60,
      }).ingest;
      const big = initOf();
      const byteAnswer = await bytes.init('pi-2', big.clipId, big.payload);
      assert.equal(byteAnswer, undefined, 'two clips fit');
      const third = initOf();
      const over = await bytes.init('pi-2', third.clipId, third.payload);
      assert.equal(over?.status, 'busy');
      assert.match(over.status === 'busy' ? over.reason : '', /more than the \d+ allowed/);

      // Expiry of the abandoned transfers makes room again.
      await ingest.expireAbandoned(new Date(Date.now() + 60_000));
      assert.equal(await ingest.init('pi-1', refused.clipId, refused.payload), undefined);
    });
  });
}

describe('expired staging gives its space back (SQLite)', () => {
  it('leaves no free pages in the file after abandoned transfers expire', async (t) => {
    const database = await testDatabase(t, 'sqlite');
    if (!database) return;
    t.after(() => database.close());
    const dir = await tempDir();
    t.after(() => dir.remove());
    const { db } = database;
    const { ingest } = ingestHarness(db, new DiskBlobStore(join(dir.path, 'clips')));
    const pragma = async (name: string) =>
      Object.values((await sql.raw<Record<string, number>>(`pragma ${name}`).execute(db)).rows[0] ?? {})[0];
    const before = await pragma('page_count');
    for (let i = 0; i < 8; i++) {
      const init = initOf(10);
      await ingest.init('pi-1', init.clipId, init.payload);
      for (let at = 0; at < init.size; at += CHUNK) {
        await ingest.chunk('pi-1', init.clipId, at, init.audio.subarray(at, Math.min(at + CHUNK, init.size)));
      }
    }
    const staged = await pragma('page_count');
    assert.ok(staged !== undefined && before !== undefined && staged > before + 500, 'several MB staged');
    assert.equal(await ingest.expireAbandoned(new Date(Date.now() + 60_000)), 8);
    assert.equal(await pragma('freelist_count'), 0, 'no freed page is kept in the file');
    assert.ok(((await pragma('page_count')) ?? Infinity) < staged, 'the file shrank');
  });
});
