import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from '../../src/db/database.js';
import { ClipCommits } from '../../src/ingest/clip-commits.js';
import { DATABASE_KINDS, testDatabase } from '../support/databases.js';

function insertDevice(id: string, seen: Database[]) {
  return async (trx: Database) => {
    seen.push(trx);
    const now = new Date().toISOString();
    await trx
      .insertInto('devices')
      .values({ id, state: 'online', version: null, state_changed_at: now, last_seen_at: now })
      .execute();
  };
}

for (const kind of DATABASE_KINDS) {
  describe(`grouped clip commits on ${kind}`, () => {
    it('commits clips ready together in one transaction, and a failing one alone is rolled back', async (t) => {
      const test = await testDatabase(t, kind);
      if (!test) return;
      try {
        const commits = new ClipCommits(test.db);
        const seen: Database[] = [];
        await commits.commit(insertDevice('taken', seen));
        seen.length = 0;
        const results = await Promise.allSettled([
          commits.commit(insertDevice('a', seen)),
          commits.commit(insertDevice('taken', seen)),
          commits.commit(insertDevice('b', seen)),
        ]);
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'rejected', 'fulfilled'],
        );
        assert.equal(new Set(seen).size, 1, 'the three writes ran in one transaction');
        const ids = await test.db.selectFrom('devices').select('id').orderBy('id').execute();
        assert.deepEqual(
          ids.map((r) => r.id),
          ['a', 'b', 'taken'],
        );
      } finally {
        await test.close();
      }
    });
  });
}
