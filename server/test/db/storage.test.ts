import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { tempDir } from '@earshot/test-kit/temp-dir';
import { sql } from 'kysely';
import { migrationProvider } from '../../src/db/migrations.js';
import { openDatabase } from '../../src/db/database.js';
import { submitClip } from '../../src/import/submit-clip.js';
import { TableJobQueue } from '../../src/queue/job-queue.js';
import { DiskBlobStore } from '../../src/storage/disk-blob-store.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';
import { ingestHarness, wavClip } from '../support/ingest-harness.js';

const policy = { maxAttempts: 3, initialDelayMs: 1000, maxDelayMs: 60_000 };

// The same suite on every database kind: what passes on SQLite must pass on PostgreSQL.
for (const kind of DATABASE_KINDS) {
  describe(`storage on ${kind}`, () => {
    it('runs the migrations once and again at the next start without change', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      try {
        const again = await openDatabase(test.url);
        const migrations = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(again);
        await again.destroy();
        assert.deepEqual(
          migrations.rows.map((r) => r.name),
          Object.keys(await migrationProvider.getMigrations()).sort(),
        );
      } finally {
        await test.close();
      }
    });

    if (kind === 'postgres') {
      it("plans the server's queries without parallel workers, and sizes press-time ranges to the day", async (t) => {
        // Starting one cost more than the index walks the API makes (db/database.ts).
        const test = await testDatabase(t, kind);
        if (!test) return;
        try {
          const setting = await sql<{
            value: string;
          }>`select current_setting('max_parallel_workers_per_gather') as value`.execute(test.db);
          assert.equal(setting.rows[0]?.value, '0');
          // Ranges of press times sized to the day (migration 0028).
          const target = await sql<{ target: number }>`select attstattarget as target from pg_attribute
            where attrelid = 'clips'::regclass and attname = 'pressed_at'`.execute(test.db);
          assert.equal(Number(target.rows[0]?.target), 1000);
        } finally {
          await test.close();
        }
      });
    }

    it('keeps binary chunk data byte for byte and measures it', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      try {
        const data = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        await test.db.insertInto('transfer_chunks').values({ device_id: 'd', clip_id: 'c', offset: 0, data }).execute();
        const row = await test.db
          .selectFrom('transfer_chunks')
          .select(['data', sql<number>`length(data)`.as('length')])
          .executeTakeFirstOrThrow();
        assert.deepEqual(Buffer.from(row.data), data);
        assert.equal(Number(row.length), 256);
      } finally {
        await test.close();
      }
    });

    it('commits a job only with the transaction that enqueued it', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      try {
        const queue = new TableJobQueue(test.db);
        await assert.rejects(
          test.db.transaction().execute(async (trx) => {
            await queue.enqueue(trx, 'q', { n: 1 });
            throw new Error('rolled back');
          }),
        );
        await test.db.transaction().execute((trx) => queue.enqueue(trx, 'q', { n: 2 }));
        assert.deepEqual(await queue.counts('q'), { queued: 1, active: 0, done: 0, dead: 0 });
        const job = await queue.claim<{ n: number }>('q');
        assert.deepEqual(job?.payload, { n: 2 });
        assert.equal(await queue.claim('q'), undefined);
      } finally {
        await test.close();
      }
    });

    it('backs off exponentially, honours retry-after, buries after the last attempt, re-queues', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      try {
        let now = new Date('2026-01-01T00:00:00.000Z');
        const queue = new TableJobQueue(test.db, () => now);
        await queue.enqueue(test.db, 'q', { clipId: 'a' });
        const advance = (ms: number) => (now = new Date(now.getTime() + ms));

        const first = await queue.claim('q');
        assert.ok(first);
        assert.equal(await queue.fail(first, 'HTTP 500', policy), 'queued');
        advance(999);
        assert.equal(await queue.claim('q'), undefined, 'not due before the first backoff (1 s)');
        advance(1);
        const second = await queue.claim('q');
        assert.equal(second?.attempts, 2);
        assert.equal(await queue.fail(second, 'HTTP 429', policy, 30_000), 'queued');
        advance(29_999);
        assert.equal(await queue.claim('q'), undefined, 'retry-after (30 s) beats the backoff (2 s)');
        advance(1);
        const third = await queue.claim('q');
        assert.ok(third);
        assert.equal(await queue.fail(third, 'timed out after 10 s', policy), 'dead');
        const [dead] = await queue.dead('q', 10);
        assert.equal(dead?.lastError, 'timed out after 10 s');
        assert.equal(dead?.attempts, 3);
        advance(3_600_000);
        assert.equal(await queue.claim('q'), undefined, 'a dead job stays dead');

        assert.equal(await queue.requeue('q', 'nope'), false);
        assert.equal(await queue.requeue('q', first.id), true);
        const again = await queue.claim('q');
        assert.equal(again?.attempts, 1);
        await queue.complete(again);
        assert.deepEqual(await queue.counts('q'), { queued: 0, active: 0, done: 1, dead: 0 });
      } finally {
        await test.close();
      }
    });

    it('makes jobs left active by a dead process due again', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      try {
        const queue = new TableJobQueue(test.db);
        await queue.enqueue(test.db, 'q', {});
        assert.ok(await queue.claim('q'));
        assert.equal(await queue.recoverAbandoned('q'), 1);
        assert.ok(await queue.claim('q'));
      } finally {
        await test.close();
      }
    });

    it('files each clip with the category mapped when it was pressed, after the map changes', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      const dir = await tempDir();
      try {
        const { db } = test;
        const { ingest, buttonMap, queue } = ingestHarness(db, new DiskBlobStore(dir.path));
        await db
          .insertInto('questions')
          .values([
            { id: 'nps', kind: 'nps', text_en: 'Recommend us?', text_ru: null },
            { id: 'staff', kind: 'praise', text_en: 'Praise the staff', text_ru: null },
          ])
          .execute();
        await db
          .insertInto('stores')
          .values({
            id: 'tver-1',
            name: 'Tver',
            location: null,
            time_zone: 'Europe/Moscow',
            language: 'ru-RU',
            created_at: new Date().toISOString(),
          })
          .execute();
        const seen = new Date().toISOString();
        await db
          .insertInto('devices')
          .values({
            id: 'pi-1',
            state: 'unknown',
            version: null,
            state_changed_at: seen,
            last_seen_at: seen,
            store_id: 'tver-1',
            name: null,
          })
          .execute();
        await buttonMap.addVersion('default', '', { '1': 'staff' }, new Date(0));
        await buttonMap.addVersion('store', 'tver-1', { '1': 'nps' }, new Date('2026-03-01T00:00:00Z'));
        await buttonMap.addVersion('store', 'tver-1', { '1': 'staff' }, new Date('2026-03-01T12:00:00Z'));

        const before = wavClip(indexSignal(1600), 1, new Date('2026-03-01T11:59:59Z'));
        const after = wavClip(indexSignal(1600), 1, new Date('2026-03-01T12:00:01Z'));
        const early = wavClip(indexSignal(1600), 1, new Date('2026-02-01T00:00:00Z'));
        for (const clip of [before, after, early]) {
          assert.equal((await submitClip(ingest, 'pi-1', clip.meta, clip.audio)).status, 'complete');
        }
        const rows = await db.selectFrom('clips').select(['id', 'question_id', 'store_id', 'status']).execute();
        const category = (id: string) => rows.find((r) => r.id === id)?.question_id;
        assert.equal(category(before.meta.clipId), 'nps');
        assert.equal(category(after.meta.clipId), 'staff');
        assert.equal(category(early.meta.clipId), 'staff', 'before any store map: the default');
        assert.ok(rows.every((r) => r.store_id === 'tver-1' && r.status === 'received'));
        assert.equal((await queue.counts('transcribe')).queued, 3);
      } finally {
        await dir.remove();
        await test.close();
      }
    });
  });
}
