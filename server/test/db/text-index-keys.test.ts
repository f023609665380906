import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import type { DatabaseSchema } from '../../src/db/schema.js';
import { SEARCH_KEY_BITS } from '../../src/clips/text-search.js';
import { insertEarlyClip, migratingSqlite } from '../support/migrating-sqlite.js';

/**
 * SQLite's text index is keyed by press time (migration 0022): each transcript's row in it has
 * the key the transcript keeps (`search_key`), its clip's press time in milliseconds in the high
 * bits, and the transcript's own text and clip. Checked after the migration and after each way a
 * transcript is written, rewritten or deleted.
 */
describe('the text index keyed by press time (SQLite)', () => {
  const transcript = (db: Kysely<DatabaseSchema>, clipId: string, text: string) =>
    sql`insert into transcripts (clip_id, engine, language, text, words_json, duration_ms, created_at)
      values (${clipId}, 'test', 'en', ${text}, '[]', 1000, '2026-03-02T00:00:00.000Z')
      on conflict (clip_id) do update set text = excluded.text`.execute(db);

  /**
   * The clips of the transcripts in key order, once their keys and index rows are checked: keys
   * (beyond what a JS number holds exactly) are compared in SQL, their high bits read as numbers.
   */
  const keyed = async (db: Kysely<DatabaseSchema>) => {
    const { rows } = await sql<{ clip_id: string; ms: number; pressed_at: string; indexed: number }>`
      select transcripts.clip_id, transcripts.search_key >> ${SEARCH_KEY_BITS} as ms, clips.pressed_at,
        (select count(*) from transcripts_fts where transcripts_fts.rowid = transcripts.search_key
          and transcripts_fts.clip_id = transcripts.clip_id and transcripts_fts.text = transcripts.text) as indexed
      from transcripts join clips on clips.id = transcripts.clip_id order by transcripts.search_key`.execute(db);
    const { rows: index } = await sql<{ n: number }>`select count(*) as n from transcripts_fts`.execute(db);
    assert.equal(index[0]?.n, rows.length, 'as many index rows as transcripts');
    for (const row of rows) {
      assert.equal(row.indexed, 1, `${row.clip_id}: indexed under its key, with its text`);
      assert.equal(row.ms, Date.parse(row.pressed_at), `${row.clip_id}: its key holds its press time`);
    }
    return rows.map((row) => row.clip_id);
  };

  const search = async (db: Kysely<DatabaseSchema>, word: string) =>
    (
      await sql<{ clip_id: string }>`select clip_id from transcripts_fts where transcripts_fts match ${`"${word}"*`}
        order by rowid`.execute(db)
    ).rows.map((row) => row.clip_id);

  it('keys the transcripts written before it by press time, then id; keeps keys as transcripts are written and removed', async () => {
    const { db, migrator } = migratingSqlite();
    try {
      assert.equal((await migrator.migrateTo('0021-answers-by-store-and-score')).error, undefined);
      const early: [string, string][] = [
        ['c-late', '2026-03-01T12:00:00.000Z'],
        ['c-tie-b', '2026-03-01T10:00:00.123Z'],
        ['c-early', '2026-03-01T09:00:00.000Z'],
        ['c-tie-a', '2026-03-01T10:00:00.123Z'],
      ];
      for (const [id, pressed_at] of early) {
        await insertEarlyClip(db, { id, pressed_at });
        await transcript(db, id, `queue at ${id}`);
      }
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      assert.deepEqual(await keyed(db), ['c-early', 'c-tie-a', 'c-tie-b', 'c-late']);
      assert.deepEqual(await search(db, 'queue'), ['c-early', 'c-tie-a', 'c-tie-b', 'c-late']);

      // Written after it: a clip pressed between the others, one in the tied millisecond
      // (keyed after the two there), and one pressed before every other.
      for (const [id, pressed_at] of [
        ['c-mid', '2026-03-01T11:00:00.000Z'],
        ['c-tie-0', '2026-03-01T10:00:00.123Z'],
        ['c-first', '2026-02-01T00:00:00.000Z'],
      ] as const) {
        await insertEarlyClip(db, { id, pressed_at });
        await transcript(db, id, `queue at ${id}`);
      }
      assert.deepEqual(await keyed(db), ['c-first', 'c-early', 'c-tie-a', 'c-tie-b', 'c-tie-0', 'c-mid', 'c-late']);

      // Transcribed again (the worker's upsert): the new words are found under the same key.
      await transcript(db, 'c-tie-a', 'the checkout was quick');
      assert.deepEqual(await search(db, 'checkout'), ['c-tie-a']);
      assert.deepEqual(await search(db, 'queue'), ['c-first', 'c-early', 'c-tie-b', 'c-tie-0', 'c-mid', 'c-late']);
      assert.deepEqual(await keyed(db), ['c-first', 'c-early', 'c-tie-a', 'c-tie-b', 'c-tie-0', 'c-mid', 'c-late']);

      // Removed (a retention purge or an erasure deletes the transcript), and one of its
      // millisecond transcribed after that: it takes a key of its own.
      await sql`delete from transcripts where clip_id in ('c-tie-b', 'c-late')`.execute(db);
      await insertEarlyClip(db, { id: 'c-tie-z', pressed_at: '2026-03-01T10:00:00.123Z' });
      await transcript(db, 'c-tie-z', 'queue again');
      assert.deepEqual(await keyed(db), ['c-first', 'c-early', 'c-tie-a', 'c-tie-0', 'c-tie-z', 'c-mid']);
      assert.deepEqual(await search(db, 'queue'), ['c-first', 'c-early', 'c-tie-0', 'c-tie-z', 'c-mid']);
    } finally {
      await db.destroy();
    }
  });
});
