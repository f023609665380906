import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertEarlyClip, migratingSqlite } from '../support/migrating-sqlite.js';

describe('migrations 0024 and 0025: clips per store, question, status and local day; presses per device, day and hour', () => {
  it('counts the clips already stored, per store, question and day; clips of no store stay out', async () => {
    const { db, migrator } = migratingSqlite();
    try {
      assert.equal((await migrator.migrateTo('0023-transcripts-pressed-at')).error, undefined);
      const clips: [id: string, store: string | null, day: string | null, question: string | null][] = [
        ['c1', 'ktm', '2026-03-02', 'nps'],
        ['c2', 'ktm', '2026-03-02', 'nps'],
        ['c3', 'ktm', '2026-03-03', 'nps'],
        ['c4', 'ktm', '2026-03-03', null],
        ['c5', null, null, 'nps'],
        ['c6', 'msk', '2026-03-02', 'nps'],
      ];
      for (const [k, [id, store, day, question]] of clips.entries()) {
        await insertEarlyClip(db, { id, question_id: question, store_id: store, local_day: day, local_hour: k % 2 });
      }
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      const counts = await db
        .selectFrom('clip_counts')
        .selectAll()
        .orderBy(['local_day', 'store_id', 'question_id'])
        .execute();
      assert.deepEqual(counts, [
        { local_day: '2026-03-02', store_id: 'ktm', question_id: 'nps', status: 'received', clips: 2 },
        { local_day: '2026-03-02', store_id: 'msk', question_id: 'nps', status: 'received', clips: 1 },
        { local_day: '2026-03-03', store_id: 'ktm', question_id: '', status: 'received', clips: 1 },
        { local_day: '2026-03-03', store_id: 'ktm', question_id: 'nps', status: 'received', clips: 1 },
      ]);
      const hours = async () =>
        (await db.selectFrom('device_hour_counts').selectAll().orderBy(['local_day', 'store_id']).execute()).map(
          (r) => [r.local_day, r.store_id, r.device_id, r.h0, r.h1, r.h5],
        );
      // c1 and c3 in hour 0; c2, c4 and c6 in hour 1.
      assert.deepEqual(await hours(), [
        ['2026-03-02', 'ktm', 'pi', 1, 1, 0],
        ['2026-03-02', 'msk', 'pi', 0, 1, 0],
        ['2026-03-03', 'ktm', 'pi', 1, 1, 0],
      ]);
      // And the triggers keep them from then on.
      await insertEarlyClip(db, {
        id: 'c7',
        question_id: null,
        store_id: 'ktm',
        local_day: '2026-03-03',
        local_hour: 5,
      });
      await db.deleteFrom('clips').where('id', 'in', ['c1', 'c6']).execute();
      const kept = await db
        .selectFrom('clip_counts')
        .select(['local_day', 'store_id', 'question_id', 'clips'])
        .orderBy(['local_day', 'store_id', 'question_id'])
        .execute();
      assert.deepEqual(
        kept.map((r) => [r.local_day, r.store_id, r.question_id, r.clips]),
        [
          ['2026-03-02', 'ktm', 'nps', 1],
          ['2026-03-02', 'msk', 'nps', 0],
          ['2026-03-03', 'ktm', '', 2],
          ['2026-03-03', 'ktm', 'nps', 1],
        ],
      );
      assert.deepEqual(await hours(), [
        ['2026-03-02', 'ktm', 'pi', 0, 1, 0],
        ['2026-03-02', 'msk', 'pi', 0, 0, 0],
        ['2026-03-03', 'ktm', 'pi', 1, 1, 1],
      ]);
    } finally {
      await db.destroy();
    }
  });
});
