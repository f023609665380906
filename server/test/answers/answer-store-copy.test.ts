import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { indexSignal } from '@earshot/test-kit/signals';
import { submitClip } from '../../src/import/submit-clip.js';
import { storeAnswer } from '../support/answers.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { wavClip } from '../support/ingest-harness.js';
import { insertEarlyClip, migratingSqlite } from '../support/migrating-sqlite.js';

/**
 * An answer keeps its clip's store (migration 0021), so that a store's list by score walks that
 * store's answers by value: the copy must be its clip's store, whenever either was written.
 */
for (const kind of DATABASE_KINDS) {
  describe(`an answer's store on ${kind}`, () => {
    it("is its clip's store when the answer is written, and follows the clip to another store", async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { db, ingest, app } = rig;
      try {
        const put = async (url: string, payload: object) => {
          const response = await app.inject({ method: 'PUT', url, payload });
          assert.ok(response.statusCode < 300, `${url}: ${response.body}`);
        };
        await put('/api/v1/stores/a', { name: 'A', timeZone: 'Europe/Moscow', language: 'en' });
        await put('/api/v1/stores/b', { name: 'B', timeZone: 'Europe/London', language: 'en' });
        await put('/api/v1/devices/pi-a', { storeId: 'a' });
        await put('/api/v1/devices/pi-b', { storeId: 'b' });
        await put('/api/v1/devices/pi-none', { storeId: null });
        const clipIds: string[] = [];
        for (const [device, at] of [
          ['pi-a', '2026-03-01T10:00:00Z'],
          ['pi-b', '2026-03-01T11:00:00Z'],
          ['pi-none', '2026-03-01T12:00:00Z'],
        ] as const) {
          const clip = wavClip(indexSignal(800), 1, new Date(at));
          assert.equal((await submitClip(ingest, device, clip.meta, clip.audio)).status, 'complete');
          await storeAnswer(db, clip.meta.clipId, 'nps', 8);
          clipIds.push(clip.meta.clipId);
        }
        const copies = async () =>
          (
            await db
              .selectFrom('answers')
              .innerJoin('clips', 'clips.id', 'answers.clip_id')
              .select(['answers.store_id as answer', 'clips.store_id as clip'])
              .orderBy('clips.pressed_at')
              .execute()
          ).map((row) => [row.answer, row.clip]);
        assert.deepEqual(await copies(), [
          ['a', 'a'],
          ['b', 'b'],
          [null, null],
        ]);
        // The machine reads the first clip again: the answer is updated, its store stays.
        await storeAnswer(db, clipIds[0] as string, 'nps', 3);
        // Filed in another store, and the clip of no store given one: the answers follow.
        await db
          .updateTable('clips')
          .set({ store_id: 'b' })
          .where('id', '=', clipIds[0] as string)
          .execute();
        await db
          .updateTable('clips')
          .set({ store_id: 'a' })
          .where('id', '=', clipIds[2] as string)
          .execute();
        assert.deepEqual(await copies(), [
          ['b', 'b'],
          ['b', 'b'],
          ['a', 'a'],
        ]);
        const storeB = await app.inject({ url: '/api/v1/clips?storeId=b&sort=lowest' });
        assert.deepEqual(
          storeB.json<{ items: { id: string }[] }>().items.map((c) => c.id),
          [clipIds[0], clipIds[1]],
        );
      } finally {
        await rig.close();
      }
    });
  });
}

describe("migration 0021: answers keep their clip's store", () => {
  it("writes each answer's store from its clip", async () => {
    const { db, migrator } = migratingSqlite();
    try {
      assert.equal((await migrator.migrateTo('0020-device-latest-clip')).error, undefined);
      for (const [id, store] of [
        ['c1', 'north'],
        ['c2', null],
      ] as const) {
        await insertEarlyClip(db, { id, question_id: 'nps', store_id: store, status: 'transcribed' });
        await sql`insert into answers (clip_id, form, value, source, machine_value, machine_json, read_at, pressed_at)
          values (${id}, 'nps', 9, 'machine', 9, '{}', '2026-03-01T10:01:00Z', '2026-03-01T10:00:00Z')`.execute(db);
      }
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      const rows = await db.selectFrom('answers').select(['clip_id', 'store_id']).orderBy('clip_id').execute();
      assert.deepEqual(rows, [
        { clip_id: 'c1', store_id: 'north' },
        { clip_id: 'c2', store_id: null },
      ]);
    } finally {
      await db.destroy();
    }
  });
});
