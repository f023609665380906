import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexSignal } from '@earshot/test-kit/signals';
import { submitClip } from '../../src/import/submit-clip.js';
import { apiTest } from '../support/app-harness.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { wavClip } from '../support/ingest-harness.js';

interface Page {
  items: { id: string }[];
  nextCursor?: string;
  total?: number;
}

/**
 * A search's pages are the list's pages of the clips it matches, in the list's order: by press
 * time, then id. SQLite's text index walks its matches by press time to the millisecond and
 * puts clips pressed in one millisecond in the order they were transcribed (migration 0022);
 * the pages must not show it, however they cut through such a millisecond.
 */
for (const kind of DATABASE_KINDS) {
  describe(`a search's order on ${kind}`, () => {
    it('pages through matches pressed in one millisecond in the list’s order, both ways and within ranges', async (t) => {
      const rig = await apiTest(t, kind);
      if (!rig) return;
      const { db, ingest, app } = rig;
      try {
        const tie = '2026-03-01T10:00:00.500Z';
        const presses = [
          '2026-03-01T09:59:59.000Z',
          '2026-03-01T10:00:00.499Z',
          tie,
          tie,
          tie,
          tie,
          tie,
          '2026-03-01T10:00:00.501Z',
          '2026-03-01T10:05:00.000Z',
        ];
        const clips: { id: string; at: string; text: string }[] = [];
        for (const [i, at] of presses.entries()) {
          const clip = wavClip(indexSignal(800), 1, new Date(at));
          assert.equal((await submitClip(ingest, 'pi', clip.meta, clip.audio)).status, 'complete');
          // Every clip but the second says the word searched for.
          clips.push({ id: clip.meta.clipId, at, text: i === 1 ? 'all fine' : `the queue, clip ${i}` });
        }
        // Transcribed in the reverse of the list's order within the millisecond (highest id
        // first), and the last clip before the others.
        const transcribed = [...clips].sort((a, b) =>
          a.at === b.at ? (a.id < b.id ? 1 : -1) : a === clips.at(-1) ? -1 : b === clips.at(-1) ? 1 : 0,
        );
        for (const clip of transcribed) {
          await db
            .insertInto('transcripts')
            .values({
              clip_id: clip.id,
              engine: 'test',
              language: 'en',
              text: clip.text,
              words_json: '[]',
              duration_ms: 800,
              created_at: clip.at,
            })
            .execute();
        }
        const get = async (query: string): Promise<Page> => {
          const response = await app.inject({ url: `/api/v1/clips?${query}` });
          assert.equal(response.statusCode, 200, `${query}: ${response.body}`);
          return response.json<Page>();
        };
        const allPages = async (query: string, limit: number) => {
          const ids: string[] = [];
          let page = await get(`${query}&limit=${limit}`);
          ids.push(...page.items.map((c) => c.id));
          while (page.nextCursor) {
            page = await get(`${query}&limit=${limit}&cursor=${page.nextCursor}`);
            ids.push(...page.items.map((c) => c.id));
          }
          return ids;
        };
        const saying = new Set(clips.filter((c) => c.text.includes('queue')).map((c) => c.id));
        for (const sort of ['newest', 'oldest'] as const) {
          for (const range of [
            '',
            `&from=${tie}&to=2026-03-01T10:00:00.501Z`,
            `&from=2026-03-01T10:00:00.501Z`,
            `&to=${tie}`,
            '&from=2026-03-01&to=2026-03-01',
          ]) {
            // The list without the search, in its order, kept to the clips that say the word.
            const expected = (await get(`sort=${sort}${range}&limit=500`)).items
              .map((c) => c.id)
              .filter((id) => saying.has(id));
            assert.ok(expected.length > 0, `${range}: the range holds matches`);
            for (const limit of [1, 2, 3, 4, 7, 50]) {
              assert.deepEqual(
                await allPages(`q=queue&sort=${sort}${range}`, limit),
                expected,
                `${sort}${range}, ${limit} a page`,
              );
            }
            assert.equal(
              (await get(`q=queue&sort=${sort}${range}`)).total,
              expected.length,
              `${sort}${range}: the count`,
            );
          }
        }
      } finally {
        await rig.close();
      }
    });
  });
}
