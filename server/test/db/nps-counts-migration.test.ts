import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { insertEarlyClip, migratingSqlite } from '../support/migrating-sqlite.js';

describe('migration 0018: NPS counts per store and local day, week and month', () => {
  it('counts the NPS answers already stored, per store, question and period; clips of no store stay out', async () => {
    const { db, migrator } = migratingSqlite();
    try {
      assert.equal((await migrator.migrateTo('0017-local-day-and-hour')).error, undefined);
      const clips: [id: string, store: string | null, day: string | null, question: string | null][] = [
        ['c1', 'ktm', '2026-03-02', 'nps'],
        ['c2', 'ktm', '2026-03-02', 'nps'],
        ['c3', 'ktm', '2026-03-02', 'nps'],
        ['c4', 'ktm', '2026-03-03', null],
        ['c5', null, null, 'nps'],
        ['c6', 'ktm', '2026-03-02', 'improve'],
      ];
      for (const [id, store, day, question] of clips) {
        await insertEarlyClip(db, { id, question_id: question, store_id: store, local_day: day, local_hour: 0 });
      }
      // value, source, needs review, question heard, form
      const answers: [string, number | null, string | null, number, number, string][] = [
        ['c1', 10, 'human', 0, 1, 'nps'],
        ['c2', 7, 'machine', 0, 0, 'nps'],
        ['c3', null, null, 1, 1, 'nps'],
        ['c4', 3, 'machine', 0, 0, 'nps'],
        ['c5', 9, 'machine', 0, 0, 'nps'],
        ['c6', null, null, 0, 0, 'text'],
      ];
      for (const [clip, value, source, review, heard, form] of answers) {
        await sql`insert into answers (clip_id, form, value, source, needs_review, question_heard, machine_json, read_at)
          values (${clip}, ${form}, ${value}, ${source}, ${review}, ${heard}, '{}', '2026-03-01T18:22:00.000Z')`.execute(
          db,
        );
      }
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      const rows = await db
        .selectFrom('nps_counts')
        .selectAll()
        .orderBy(['period_kind', 'starts', 'question_id'])
        .execute();
      // 2 March 2026 is a Monday; the 3rd is in the same week and month.
      const npsDay = { nps_clips: 3, promoters: 1, passives: 1, detractors: 0, heard: 2, confirmed: 1, to_review: 1 };
      const noQuestion = {
        nps_clips: 1,
        promoters: 0,
        passives: 0,
        detractors: 1,
        heard: 0,
        confirmed: 0,
        to_review: 0,
      };
      const of = (period_kind: string, starts: string, question_id: string, counts: object) => ({
        period_kind,
        starts,
        store_id: 'ktm',
        question_id,
        ...counts,
      });
      assert.deepEqual(rows, [
        of('day', '2026-03-02', 'nps', npsDay),
        of('day', '2026-03-03', '', noQuestion),
        of('month', '2026-03-01', '', noQuestion),
        of('month', '2026-03-01', 'nps', npsDay),
        of('week', '2026-03-02', '', noQuestion),
        of('week', '2026-03-02', 'nps', npsDay),
      ]);
    } finally {
      await db.destroy();
    }
  });
});
