import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays } from '../../src/clips/pressed-range.js';
import { apiTest } from '../support/app-harness.js';
import { CORPUS_START, PRESS_EVERY_MS, seedChain, seedClips } from '../support/clip-corpus.js';
import { DATABASE_KINDS } from '../support/databases.js';

const STORES = 5;

/**
 * Between plain dates, NPS is counted from `nps_counts` piece by piece: the range's whole months,
 * then whole weeks, then the days left at either end (nps/period-cover.ts), each piece a query of
 * its own whose rows are added per store and period. Here one store's answers fall in every kind
 * of piece, so each store's figures (and each month's point) add up rows of several pieces, and
 * must equal the same range between local times, counted from the clips.
 */
for (const kind of DATABASE_KINDS) {
  describe(`NPS counted piece by piece between plain dates adds up on ${kind}`, () => {
    it('over days, whole months and a whole week', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { db, app } = rig;
      try {
        await seedChain(db, STORES);
        // Noon (UTC) of these days, a press of store-0 under the NPS question: the corpus's press i
        // is store i % 5's, question i % 3's; a day is 2,880 presses.
        const days = ['2025-01-31', '2025-02-15', '2025-03-10', '2025-04-03', '2025-04-09', '2025-04-15'];
        for (const day of days) {
          const i = (Date.parse(`${day}T12:00:00Z`) - CORPUS_START) / PRESS_EVERY_MS;
          assert.equal(i % 15, 0, `${day}: a press of store-0 under the NPS question`);
          await seedClips(db, STORES, i, i + 1);
        }
        const get = async <T>(url: string): Promise<T> => {
          const response = await app.inject({ url });
          assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
          return response.json<T>();
        };
        // 30 January to 16 April: the days of January's end, February and March whole, the days
        // of April's first week, the week of 7 April whole, then three days.
        const plain = 'from=2025-01-30&to=2025-04-16';
        const local = `from=2025-01-30T00:00&to=${addDays('2025-04-16', 1)}T00:00`;
        const stores = await get<{ stores: { storeId: string | null; answers: number; unscored: number }[] }>(
          `/api/v1/nps/stores?${plain}`,
        );
        const store0 = stores.stores.find((s) => s.storeId === 'store-0');
        assert.equal((store0?.answers ?? 0) + (store0?.unscored ?? 0), days.length, 'every piece counted');
        assert.deepEqual(stores, await get(`/api/v1/nps/stores?${local}`), '/nps/stores');
        // The period before is named in days for plain dates and as a duration for local times:
        // compared are the range's own figures and points.
        const own = (series: object) =>
          JSON.parse(JSON.stringify(series), (key, value: unknown) =>
            key === 'previous' ? undefined : value,
          ) as object;
        assert.deepEqual(
          own(await get(`/api/v1/nps/series?interval=month&${plain}`)),
          own(await get(`/api/v1/nps/series?interval=month&${local}`)),
          '/nps/series by month',
        );
      } finally {
        await rig.close();
      }
    });
  });
}
