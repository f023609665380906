import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { insertEarlyClip, migratingSqlite } from '../support/migrating-sqlite.js';

describe('migration 0017: clips keep their local day and hour', () => {
  it("writes each stored clip's day and hour in its store's zone; a clip of no store keeps none", async () => {
    const { db, migrator } = migratingSqlite();
    try {
      assert.equal((await migrator.migrateTo('0016-answers-by-score')).error, undefined);
      await sql`insert into stores (id, name, time_zone, language, created_at)
        values ('ktm', 'Kathmandu', 'Asia/Kathmandu', 'en', '2026-01-01T00:00:00Z')`.execute(db);
      // 18:20 UTC is 00:05 the next day in Kathmandu (UTC+5:45).
      for (const [id, store] of [
        ['c1', 'ktm'],
        ['c2', null],
      ] as const) {
        await insertEarlyClip(db, { id, store_id: store });
      }
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      const rows = await db.selectFrom('clips').select(['id', 'local_day', 'local_hour']).orderBy('id').execute();
      assert.deepEqual(rows, [
        { id: 'c1', local_day: '2026-03-02', local_hour: 0 },
        { id: 'c2', local_day: null, local_hour: null },
      ]);
    } finally {
      await db.destroy();
    }
  });
});
