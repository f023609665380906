import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { tempDir } from '@earshot/test-kit/temp-dir';
import type { Database } from '../../src/db/database.js';
import type { ClipIngest } from '../../src/ingest/clip-ingest.js';
import { submitClip } from '../../src/import/submit-clip.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { DATABASE_KINDS, type DatabaseKind, testDatabase } from '../support/databases.js';
import { ingestHarness, wavClip } from '../support/ingest-harness.js';

const PRESSED = new Date('2026-03-01T10:00:00Z');

function initOf(meta: object, audio: Buffer, chunkSize: number): Buffer {
  const sha256 = createHash('sha256').update(audio).digest('hex');
  return Buffer.from(JSON.stringify({ ...meta, size: audio.length, sha256, chunkSize }));
}

async function stagedChunks(db: Database): Promise<number> {
  const row = await db
    .selectFrom('transfer_chunks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Two ClipIngest instances on one database and one blob store, and a clip to send through them. */
async function twoInstances(
  t: TestContext,
  kind: DatabaseKind,
  body: (rig: {
    db: Database;
    a: ClipIngest;
    b: ClipIngest;
    meta: ReturnType<typeof wavClip>['meta'];
    audio: Buffer;
  }) => Promise<void>,
): Promise<void> {
  const test = await testDatabase(t, kind);
  if (!test) return;
  const dir = await tempDir();
  try {
    const blobs = new DiskBlobStore(join(dir.path, 'blobs'));
    const { meta, audio } = wavClip(Buffer.alloc(60_000, 5), 1, PRESSED);
    await body({
      db: test.db,
      a: ingestHarness(test.db, blobs).ingest,
      b: ingestHarness(test.db, blobs).ingest,
      meta,
      audio,
    });
  } finally {
    await dir.remove();
    await test.close();
  }
}

// Two ClipIngest instances on one database: the scale-out case, where each caches inits.
for (const kind of DATABASE_KINDS) {
  describe(`cached transfer inits on ${kind}`, () => {
    it('accepts chunks of a re-init with another chunk size made through another instance', (t) =>
      twoInstances(t, kind, async ({ a, b, meta, audio }) => {
        assert.equal(await a.init('dev-1', meta.clipId, initOf(meta, audio, 32 * 1024)), undefined);
        // The device restarted with 16 KiB chunks; its new init reached instance b, its chunks reach a.
        assert.equal(await b.init('dev-1', meta.clipId, initOf(meta, audio, 16 * 1024)), undefined);
        for (let offset = 0; offset < audio.length; offset += 16 * 1024) {
          await a.chunk('dev-1', meta.clipId, offset, audio.subarray(offset, offset + 16 * 1024));
        }
        const fin = Buffer.from(
          JSON.stringify({ size: audio.length, sha256: createHash('sha256').update(audio).digest('hex') }),
        );
        assert.equal((await a.fin('dev-1', meta.clipId, fin)).status, 'complete');
      }));

    it('sweeps a chunk staged on a cached init after another instance stored the clip', (t) =>
      twoInstances(t, kind, async ({ db, a, b, meta, audio }) => {
        await a.init('dev-1', meta.clipId, initOf(meta, audio, 32 * 1024));
        assert.equal((await submitClip(b, 'dev-1', meta, audio, 32 * 1024)).status, 'complete');
        // A late duplicate of a chunk reaches a, which still knows the init.
        await a.chunk('dev-1', meta.clipId, 0, audio.subarray(0, 32 * 1024));
        assert.equal(await stagedChunks(db), 1);
        await a.expireAbandoned(new Date(0));
        assert.equal(await stagedChunks(db), 0);
        const clips = await db.selectFrom('clips').select('id').execute();
        assert.deepEqual(clips, [{ id: meta.clipId }]);
      }));
  });
}
