import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { answerView } from '../../src/answers/answer-view.js';
import { migratingSqlite } from '../support/migrating-sqlite.js';

describe('migration 0010: scores become answers', () => {
  it('moves each NPS score into an answer (a missing one to review) and drops the scores table', async () => {
    const { db, migrator } = migratingSqlite();
    try {
      assert.equal((await migrator.migrateTo('0009-fleet')).error, undefined);
      const at = '2026-01-01T00:00:00.000Z';
      const evidence = JSON.stringify({ words: [{ word: 'nine', startMs: 900, endMs: 1300, confidence: null }] });
      await sql`insert into scores (clip_id, kind, value, evidence_json, reason, created_at) values
        ('c1', 'nps', 9, ${evidence}, null, ${at}), ('c2', 'nps', null, null, 'several numbers (7, 8): ambiguous', ${at})`.execute(
        db,
      );
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      const rows = await db.selectFrom('answers').selectAll().orderBy('clip_id').execute();
      assert.deepEqual(
        rows.map((r) => [r.clip_id, r.form, r.value, r.source, r.needs_review, r.machine_value]),
        [
          ['c1', 'nps', 9, 'machine', 0, 9],
          ['c2', 'nps', null, null, 1, null],
        ],
      );
      const [nine, unsure] = rows.map((r) => answerView(r));
      assert.deepEqual(
        nine?.evidence.map((w) => w.word),
        ['nine'],
      );
      assert.match(unsure?.reason ?? '', /several numbers/);
      const tables = await db.introspection.getTables();
      assert.ok(!tables.some((t) => t.name === 'scores'));
    } finally {
      await db.destroy();
    }
  });
});
