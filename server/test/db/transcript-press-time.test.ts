import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { indexSignal } from '@earshot/test-kit/signals';
import { submitClip } from '../../src/import/submit-clip.js';
import { migrationProvider } from '../../src/db/migrations.js';
import type { DatabaseSchema } from '../../src/db/schema.js';
import { apiTest } from '../support/app-harness.js';
import { wavClip } from '../support/ingest-harness.js';

/**
 * On PostgreSQL a transcript keeps its clip's press time (migration 0023), so that a search within
 * a time range drops the matches outside it before looking their clips up. The copy must be the
 * clip's, however the transcript was written, and for transcripts written before the migration.
 */
describe("a transcript's press time on postgres", () => {
  const transcribe = (db: Kysely<DatabaseSchema>, clipId: string, text: string) =>
    sql`insert into transcripts (clip_id, engine, language, text, words_json, duration_ms, created_at)
      values (${clipId}, 'test', 'en', ${text}, '[]', 800, '2026-03-02T00:00:00.000Z')
      on conflict (clip_id) do update set text = excluded.text`.execute(db);
  /** Each transcript's press time beside its clip's, in press order. */
  const copies = async (db: Kysely<DatabaseSchema>) =>
    (
      await sql<{ copy: string | null; clip: string }>`select transcripts.pressed_at as copy, clips.pressed_at as clip
        from transcripts join clips on clips.id = transcripts.clip_id order by clips.pressed_at`.execute(db)
    ).rows.map((row) => [row.copy, row.clip]);

  it("is its clip's, when written, written again, and when written before the migration", async (t) => {
    const rig = await apiTest(t, 'postgres');
    if (!rig) return;
    const { db, ingest, app } = rig;
    try {
      const ids: string[] = [];
      for (const at of ['2026-03-01T10:00:00.000Z', '2026-03-01T11:00:00.000Z', '2026-03-01T12:00:00.000Z']) {
        const clip = wavClip(indexSignal(800), 1, new Date(at));
        assert.equal((await submitClip(ingest, 'pi', clip.meta, clip.audio)).status, 'complete');
        ids.push(clip.meta.clipId);
      }
      const [first, second, third] = ids as [string, string, string];
      await transcribe(db, second, 'the queue');
      await transcribe(db, first, 'the queue again');
      // Transcribed again: the worker's upsert.
      await transcribe(db, second, 'the checkout');
      const expected = [
        ['2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000Z'],
        ['2026-03-01T11:00:00.000Z', '2026-03-01T11:00:00.000Z'],
      ];
      assert.deepEqual(await copies(db), expected);

      // As the database stood before migration 0023, with a transcript written then; the
      // migration itself then copies the press times.
      await sql`drop trigger transcripts_pressed_at on transcripts`.execute(db);
      await sql`drop function transcripts_pressed_at()`.execute(db);
      await sql`alter table transcripts drop column pressed_at`.execute(db);
      await transcribe(db, third, 'a queue at noon');
      const migration = (await migrationProvider.getMigrations())['0023-transcripts-pressed-at'];
      assert.ok(migration);
      await migration.up(db);
      assert.deepEqual(await copies(db), [...expected, ['2026-03-01T12:00:00.000Z', '2026-03-01T12:00:00.000Z']]);

      // And the search within a time range finds by it.
      const search = await app.inject({
        url: '/api/v1/clips?q=queue&from=2026-03-01T10:30:00Z&to=2026-03-01T12:30:00Z',
      });
      assert.deepEqual(
        search.json<{ items: { id: string }[] }>().items.map((c) => c.id),
        [third],
      );
    } finally {
      await rig.close();
    }
  });
});
