import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertEarlyClip, migratingSqlite } from '../support/migrating-sqlite.js';

describe('migration 0024: clips per store, question and local day', () => {
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
      for (const [id, store, day, question] of clips) {
        await insertEarlyClip(db, { id, question_id: question, store_id: store, local_day: day, local_hour: 0 });
      }
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      const counts = await db
        .selectFrom('clip_counts')
        .selectAll()
        .orderBy(['local_day', 'store_id', 'question_id'])
        .execute();
      assert.deepEqual(counts, [
        { local_day: '2026-03-02', store_id: 'ktm', question_id: 'nps', clips: 2 },
        { local_day: '2026-03-02', store_id: 'msk', question_id: 'nps', clips: 1 },
        { local_day: '2026-03-03', store_id: 'ktm', question_id: '', clips: 1 },
        { local_day: '2026-03-03', store_id: 'ktm', question_id: 'nps', clips: 1 },
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
    } finally {
      await db.destroy();
    }
  });
});
