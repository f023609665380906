import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiTest } from '../support/app-harness.js';
import { seedChain, seedClips, storeId } from '../support/clip-corpus.js';
import { DATABASE_KINDS } from '../support/databases.js';

const STORES = 12;

for (const kind of DATABASE_KINDS) {
  describe(`NPS of every store in one request on ${kind}`, () => {
    it("equals each store's own /nps, between instants and plain dates", async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { db, app } = rig;
      try {
        await seedChain(db, STORES);
        await seedClips(db, STORES, 0, 6000);
        const get = async <T>(url: string): Promise<T> => {
          const response = await app.inject({ url });
          assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
          return response.json<T>();
        };
        for (const range of [
          'from=2024-12-01T00:00:00Z&to=2025-02-01T00:00:00Z',
          'from=2025-01-01T06:00:00Z&to=2025-01-02T06:00:00Z',
          'from=2025-01-02&to=2025-01-02&timeZone=Europe/Moscow&questionId=nps',
        ]) {
          const { stores } = await get<{ stores: ({ storeId: string | null } & Record<string, unknown>)[] }>(
            `/api/v1/nps/stores?${range}`,
          );
          assert.ok(stores.length > 0, range);
          for (let n = 0; n < STORES; n++) {
            const id = storeId(n);
            const own = await get<Record<string, unknown>>(`/api/v1/nps?storeId=${id}&${range}`);
            const listed = stores.find((s) => s.storeId === id);
            if (own.answers === 0 && own.unscored === 0) assert.equal(listed, undefined, `${id} ${range}`);
            else assert.deepEqual(listed, { storeId: id, ...own }, `${id} ${range}`);
          }
          // The stores' counts add up to the total's.
          const total = await get<Record<string, number>>(`/api/v1/nps?${range}`);
          for (const field of ['answers', 'promoters', 'passives', 'detractors', 'unscored', 'confirmed', 'toReview']) {
            assert.equal(
              stores.reduce((sum, s) => sum + Number(s[field]), 0),
              total[field],
              `${field} ${range}`,
            );
          }
        }
        const unknown = await app.inject({ url: '/api/v1/nps/stores?storeId=x' });
        assert.equal(unknown.statusCode, 400);
      } finally {
        await rig.close();
      }
    });
  });
}
