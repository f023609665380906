import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pressedAt, seedChain, seedClips, storeId } from '../support/clip-corpus.js';
import { apiTest } from '../support/app-harness.js';
import { everyClipPage } from '../support/clip-pages.js';
import { DATABASE_KINDS } from '../support/databases.js';

const STORES = 12;
const CLIPS = 3000;

/**
 * A list over two to ten stores merges each store's clips in time order (one walk of each
 * store's index), and a list by score over one to ten stores each store's answers by value: the
 * pages, their cursors and the count must be those of the one list over all
 * of them, whatever the filter, the order and the page size, ties on the press time included.
 */
for (const kind of DATABASE_KINDS) {
  describe(`the clip list over a few stores on ${kind}`, () => {
    it('pages through the same clips, in the same order, as one list of them would', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { db, app } = rig;
      try {
        await seedChain(db, STORES);
        await seedClips(db, STORES, 0, CLIPS);
        // Three presses in three stores at the same instant (their answers keep the press time):
        // the id breaks the tie.
        const tied = (
          await db.selectFrom('clips').select('id').where('id', 'in', ['c00000064', 'c00000065', 'c00000066']).execute()
        ).map((c) => c.id);
        assert.equal(tied.length, 3);
        await db
          .updateTable('clips')
          .set({ pressed_at: pressedAt(99) })
          .where('id', 'in', tied)
          .execute();
        await db
          .updateTable('answers')
          .set({ pressed_at: pressedAt(99) })
          .where('clip_id', 'in', tied)
          .execute();

        const walk = async (query: string, limit: number) => {
          const { ids, total, totalIsMore } = await everyClipPage(app, query, limit);
          return { seen: ids, total, totalIsMore };
        };
        /** The same clips read straight from the table, in the list's order. */
        const expected = async (
          stores: string[],
          sort: 'newest' | 'oldest',
          only: { questionId?: string; transcribed?: boolean; localDay?: string } = {},
        ) => {
          const direction = sort === 'oldest' ? 'asc' : 'desc';
          const rows = await db
            .selectFrom('clips')
            .leftJoin('transcripts', 'transcripts.clip_id', 'clips.id')
            .select('clips.id')
            .where('clips.store_id', 'in', stores)
            .$if(only.questionId !== undefined, (q) => q.where('clips.question_id', '=', only.questionId ?? ''))
            .$if(only.transcribed === true, (q) => q.where('transcripts.clip_id', 'is not', null))
            .$if(only.localDay !== undefined, (q) => q.where('clips.local_day', '=', only.localDay ?? ''))
            .orderBy('clips.pressed_at', direction)
            .orderBy('clips.id', direction)
            .execute();
          return rows.map((r) => r.id);
        };

        for (const count of [2, 3, 10, 11]) {
          const stores = Array.from({ length: count }, (_, k) => storeId((k * 5) % STORES));
          const query = stores.map((s) => `storeId=${s}`).join('&');
          for (const sort of ['newest', 'oldest'] as const) {
            const ids = await expected(stores, sort);
            for (const limit of [7, 500]) {
              const walked = await walk(`${query}&sort=${sort}`, limit);
              assert.deepEqual(walked.seen, ids, `${count} stores, ${sort}, ${limit} a page`);
              assert.equal(walked.total, Math.min(ids.length, 1000), `${count} stores: the count`);
              assert.equal(walked.totalIsMore, ids.length > 1000 ? true : undefined);
            }
          }
        }
        // With filters: a question, a transcript, and each store's own local days.
        const stores = [storeId(1), storeId(4), storeId(7)];
        const query = stores.map((s) => `storeId=${s}`).join('&');
        assert.deepEqual(
          (await walk(`${query}&questionId=nps&hasTranscript=true`, 9)).seen,
          await expected(stores, 'newest', { questionId: 'nps', transcribed: true }),
        );
        const day = pressedAt(1500).slice(0, 10);
        const ofDay = await walk(`${query}&from=${day}&to=${day}&sort=oldest`, 11);
        assert.ok(ofDay.seen.length > 0);
        assert.deepEqual(ofDay.seen, await expected(stores, 'oldest', { localDay: day }));

        // By score: each store's answers walked by value (migration 0021), merged; ties on the
        // value newest first, and on the press time by id.
        const byScore = async (stores: string[], sort: 'lowest' | 'highest', npsMax?: number, localDay?: string) => {
          const rows = await db
            .selectFrom('answers')
            .innerJoin('clips', 'clips.id', 'answers.clip_id')
            .select('clips.id')
            .where('clips.store_id', 'in', stores)
            .where('answers.value', 'is not', null)
            .$if(npsMax !== undefined, (q) => q.where('answers.value', '<=', npsMax ?? 10))
            .$if(localDay !== undefined, (q) => q.where('clips.local_day', '=', localDay ?? ''))
            .orderBy('answers.value', sort === 'lowest' ? 'asc' : 'desc')
            .orderBy('clips.pressed_at', 'desc')
            .orderBy('clips.id', 'desc')
            .execute();
          return rows.map((r) => r.id);
        };
        for (const count of [1, 2, 3, 10, 11]) {
          const scored = Array.from({ length: count }, (_, k) => storeId((k * 7) % STORES));
          const scoredQuery = scored.map((s) => `storeId=${s}`).join('&');
          for (const sort of ['lowest', 'highest'] as const) {
            const ids = await byScore(scored, sort);
            assert.ok(ids.length > 0);
            for (const limit of [7, 500]) {
              const walked = await walk(`${scoredQuery}&sort=${sort}`, limit);
              assert.deepEqual(walked.seen, ids, `${count} stores by score, ${sort}, ${limit} a page`);
              assert.equal(walked.total, Math.min(ids.length, 1000), `${count} stores by score: the count`);
            }
          }
          const detractors = await walk(`${scoredQuery}&sort=highest&npsMax=6`, 13);
          assert.deepEqual(detractors.seen, await byScore(scored, 'highest', 6), `${count} stores' detractors`);
          // Within a day the stores' clips of that day are sorted instead (fewer than their answers).
          const ofDay = await walk(`${scoredQuery}&from=${day}&to=${day}&sort=lowest`, 3);
          assert.ok(ofDay.seen.length > 0, `${count} stores have scored clips that day`);
          assert.deepEqual(ofDay.seen, await byScore(scored, 'lowest', undefined, day), `${count} stores, a day`);
        }
      } finally {
        await rig.close();
      }
    });
  });
}
